import { withOverrides, type ExperimentConfig } from '../../design/experiment-config';
import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import type { FindingSettings } from '../finding';
import type { Level } from '../level-study';

/** The design of the regulariser study: the weights of the alignment regulariser it sweeps. */
export interface RegularizerSettings extends FindingSettings {
  /** Weights of the alignment regulariser; 0 is the plain framework. */
  readonly weights: readonly number[];
}

/**
 * Weights of the alignment regulariser notebook 08 sweeps: none, four small ones where the
 * transition from the plain framework can show (0.02 to 0.2), then the three large ones
 * (0.5 to 2), where f's alignment loss on its candidates already saturates.
 */
export const defaultRegularizerWeights: readonly number[] = [0, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2];

/** The settings of notebook 08 for a preset: MNIST (100 epochs on the laptop preset), weights 0, 0.02, 0.05, 0.1, 0.2, 0.5, 1 and 2. */
export function regularizerSettings(preset: PresetName): RegularizerSettings {
  return { config: subsetStudyConfig(preset), weights: defaultRegularizerWeights };
}

/**
 * The config of each weight: weight 0 is `config` itself (the plain framework; the wrapper
 * at weight 0 gives exactly its loss), the others wrap `config.objective` in the alignment
 * regulariser (`align-reg`, `sign: 'penalize'`). One level per weight, its value the weight.
 */
export function regularizerConfigs(config: ExperimentConfig, weights: readonly number[] = defaultRegularizerWeights): Level[] {
  return weights.map((weight) => ({
    value: weight,
    config: weight === 0 ? config : withOverrides(config, { objective: { name: 'align-reg', inner: config.objective, weight } }),
  }));
}
