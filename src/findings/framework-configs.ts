import { withObjective, type ExperimentConfig } from '../design/experiment-config';
import { sslObjectiveNames, type ObjectiveName } from '../methods/registry';

/**
 * The config each SSL framework trains with when frameworks are compared on one split
 * (`withObjective`: the framework's defaults; the config's own objective for its
 * framework), and `supervised`'s, by name.
 */
export function frameworkConfigs(config: ExperimentConfig, frameworks: readonly ObjectiveName[] = sslObjectiveNames): Record<string, ExperimentConfig> {
  const out: Record<string, ExperimentConfig> = {};
  for (const f of frameworks) out[f] = f === config.objective.name ? config : withObjective(config, f);
  out.supervised = withObjective(config, 'supervised');
  return out;
}
