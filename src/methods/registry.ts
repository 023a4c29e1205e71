import { InputError } from '../util/errors';
import { alignmentRegularizer, alignmentRegularizerName } from './alignment-regularizer';
import { createFramework, isObjectiveName, objectiveNames } from './frameworks';
import type { Objective, ObjectiveConfig } from './objective';

export { objectives, objectiveNames, sslObjectiveNames, type ObjectiveName } from './frameworks';

/**
 * Creates the objective named by `config.name` with the rest of `config` as its settings.
 * Besides the `objectives` it knows the wrapper `align-reg` (`alignmentRegularizer`), which
 * wraps another objective's config and is not one of the frameworks listed above.
 */
export function createObjective(config: ObjectiveConfig): Objective {
  const name = config?.name;
  if (name === alignmentRegularizerName) return alignmentRegularizer(config);
  if (!isObjectiveName(name)) {
    throw new InputError('objective config.name', `one of ${objectiveNames.join(', ')}`, `${JSON.stringify(name)} (or the wrapper "${alignmentRegularizerName}")`);
  }
  return createFramework(config);
}
