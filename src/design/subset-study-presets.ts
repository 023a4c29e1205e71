import { withOverrides, type ExperimentConfig } from './experiment-config';
import { preset, type PresetName } from './presets';

/**
 * The config notebooks 06 (coreset) and 07 (removal) retrain with: the preset on MNIST,
 * trained for 100 epochs on the laptop preset (as notebooks 04 and 05; a coreset study
 * trains about 50 encoders), without intermediate checkpoints.
 */
export function subsetStudyConfig(name: PresetName): ExperimentConfig {
  const base = preset(name, 'mnist');
  return withOverrides(base, { train: { epochs: name === 'laptop' ? 100 : base.train.epochs, checkpointEpochs: [] } });
}
