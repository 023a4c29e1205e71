import { InputError } from '../util/errors';
import { byol } from './byol';
import { dino } from './dino';
import { mae } from './mae';
import type { Objective, ObjectiveConfig } from './objective';
import { simclr } from './simclr';
import { simsiam } from './simsiam';
import { supervised } from './supervised';
import { vicreg } from './vicreg';

/** Names of the training objectives: six SSL frameworks and supervised training. */
export type ObjectiveName = 'simclr' | 'byol' | 'simsiam' | 'dino' | 'vicreg' | 'mae' | 'supervised';

/**
 * Training objectives by name: `createObjective({ name: 'byol', momentum: 0.996 })`. Each
 * is one file of `methods/`, a short composition of heads (`heads/`), a loss (`losses/`)
 * and helpers (`emaUpdate`, `stopGradient`, `targetCopy`).
 */
export const objectives: Readonly<Record<ObjectiveName, (config: ObjectiveConfig) => Objective>> = {
  simclr,
  byol,
  simsiam,
  dino,
  vicreg,
  mae,
  supervised,
};

/** All objective names, SSL frameworks first. */
export const objectiveNames = Object.keys(objectives) as ObjectiveName[];

/** The SSL frameworks (every objective but `supervised`). */
export const sslObjectiveNames = objectiveNames.filter((n) => n !== 'supervised');

/** Whether `name` is one of the `objectives` (an own key, so `__proto__` and the like are not). */
export function isObjectiveName(name: unknown): name is ObjectiveName {
  return typeof name === 'string' && Object.hasOwn(objectives, name);
}

/**
 * Creates one of the `objectives` (no wrapper) from its config.
 * @throws InputError naming `config.name` when it is not one of them.
 */
export function createFramework(config: ObjectiveConfig): Objective {
  const name = config?.name;
  if (!isObjectiveName(name)) throw new InputError('objective config.name', `one of ${objectiveNames.join(', ')}`, JSON.stringify(name));
  return objectives[name](config);
}
