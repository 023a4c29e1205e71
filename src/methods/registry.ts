import { InputError } from '../util/errors';
import { alignmentRegularizer, alignmentRegularizerName } from './alignment-regularizer';
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

/**
 * Creates the objective named by `config.name` with the rest of `config` as its settings.
 * Besides the `objectives` it knows the wrapper `align-reg` (`alignmentRegularizer`), which
 * wraps another objective's config and is not one of the frameworks listed above.
 */
export function createObjective(config: ObjectiveConfig): Objective {
  const name = config?.name;
  if (name === alignmentRegularizerName) return alignmentRegularizer(config);
  if (typeof name !== 'string' || !Object.hasOwn(objectives, name)) {
    throw new InputError('objective config.name', `one of ${Object.keys(objectives).join(', ')}`, `${JSON.stringify(name)} (or the wrapper "${alignmentRegularizerName}")`);
  }
  return objectives[name as ObjectiveName](config);
}
