import { InputError } from '../util/errors';
import { resolveOptions, rule, type OptionRules } from '../util/options';

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

const scheduleRules: OptionRules<ScheduleOptions> = {
  lr: rule.number({ min: 0 }),
  schedule: rule.choice(['constant', 'cosine']),
  warmupSteps: rule.int({ min: 0 }),
  finalLr: rule.number({ min: 0 }),
};

/**
 * Learning rate of step `step` (0-based) of `totalSteps`: linear warm-up
 * `lr * (step + 1) / warmupSteps` for the first `warmupSteps` steps, then either `lr`
 * (constant) or the half cosine `finalLr + (lr - finalLr) * (1 + cos(pi * t)) / 2` with
 * `t = (step - warmupSteps) / (totalSteps - warmupSteps)` going from 0 towards 1.
 */
export function learningRateAt(step: number, totalSteps: number, options: Partial<ScheduleOptions> = {}): number {
  const o = resolveOptions(defaultScheduleOptions, scheduleRules, options, 'learningRateAt options');
  if (!Number.isInteger(step) || step < 0) throw new InputError('learningRateAt step', 'an integer >= 0', String(step));
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  if (o.schedule === 'constant') return o.lr;
  const decaySteps = Math.max(1, totalSteps - o.warmupSteps);
  const t = Math.min(1, (step - o.warmupSteps) / decaySteps);
  return o.finalLr + ((o.lr - o.finalLr) * (1 + Math.cos(Math.PI * t))) / 2;
}
