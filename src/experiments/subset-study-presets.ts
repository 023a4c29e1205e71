import type { DownstreamSettings } from './downstream-tasks';
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

/** Downstream task sizes for a preset: the defaults for laptop and paper, small ones for quick. */
export function downstreamSettingsFor(name: PresetName): DownstreamSettings {
  if (name !== 'quick') return { knn: { k: 20 }, fashion: { trainSize: 5000, testSize: 2000, epochs: 50 }, segmentation: { trainCanvases: 2000, testCanvases: 1000 } };
  return { knn: { k: 20 }, fashion: { trainSize: 1000, testSize: 500, epochs: 30 }, segmentation: { trainCanvases: 400, testCanvases: 200 } };
}
