import { InputError } from '../util/errors';

/** How the learning rate changes over training. */
export interface ScheduleOptions {
  /** Peak (and constant-schedule) learning rate. Default 1e-3. */
  readonly lr: number;
  /** `constant` or `cosine` decay to `finalLr` after the warm-up. Default `constant`. */
  readonly schedule: 'constant' | 'cosine';
  /** Steps of linear warm-up from `lr / warmupSteps` to `lr`. Default 0. */
  readonly warmupSteps: number;
  /** Learning rate reached at the last step of a cosine schedule. Default 0. */
  readonly finalLr: number;
}

/** Defaults of `ScheduleOptions`. */
export const defaultScheduleOptions: ScheduleOptions = { lr: 1e-3, schedule: 'constant', warmupSteps: 0, finalLr: 0 };

/**
 * Learning rate of step `step` (0-based) of `totalSteps`: linear warm-up
 * `lr * (step + 1) / warmupSteps` for the first `warmupSteps` steps, then either `lr`
 * (constant) or the half cosine `finalLr + (lr - finalLr) * (1 + cos(pi * t)) / 2` with
 * `t = (step - warmupSteps) / (totalSteps - warmupSteps)` going from 0 towards 1.
 */
export function learningRateAt(step: number, totalSteps: number, options: Partial<ScheduleOptions> = {}): number {
  const o = { ...defaultScheduleOptions, ...options };
  if (!Number.isInteger(step) || step < 0) throw new InputError('learningRateAt step', 'an integer >= 0', String(step));
  if (!Number.isInteger(o.warmupSteps) || o.warmupSteps < 0) {
    throw new InputError('learningRateAt warmupSteps', 'an integer >= 0', String(o.warmupSteps));
  }
  if (o.schedule !== 'constant' && o.schedule !== 'cosine') {
    throw new InputError('learningRateAt schedule', "'constant' or 'cosine'", JSON.stringify(o.schedule));
  }
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  if (o.schedule === 'constant') return o.lr;
  const decaySteps = Math.max(1, totalSteps - o.warmupSteps);
  const t = Math.min(1, (step - o.warmupSteps) / decaySteps);
  return o.finalLr + ((o.lr - o.finalLr) * (1 + Math.cos(Math.PI * t))) / 2;
}
