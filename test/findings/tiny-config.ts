import { withOverrides, type ConfigOverrides, type ExperimentConfig } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';

/**
 * The tiny synthetic config the finding tests train: 80 training points (16 shared, 32
 * candidates, 32 independent) and 20 extra, a [16]-unit encoder with an 8-dimensional
 * output, 4 epochs of batches of 16 with a checkpoint at epoch 2, two seeds, two augmented
 * pairs per score, a 3-epoch probe. `overrides` (e.g. fewer epochs or one seed) apply on top.
 */
export function tinyConfig(overrides: ConfigOverrides = {}): ExperimentConfig {
  const tiny = withOverrides(preset('quick', 'synthetic'), {
    split: { trainSize: 80, extraSize: 20, fractions: { shared: 0.2, candidate: 0.4, independent: 0.4 } },
    encoder: { hidden: [16], outDim: 8 },
    objective: { projector: { hidden: [8], outDim: 8 } },
    train: { epochs: 4, batchSize: 16, checkpointEpochs: [2] },
    seeds: [0, 1],
    score: { pairs: 2 },
    probe: { trainSize: 80, testSize: 20, epochs: 3 },
  });
  return withOverrides(tiny, overrides);
}

/** `tinyConfig` trained briefly: 2 epochs without checkpoints, one seed, a 2-epoch probe. */
export const briefTraining: ConfigOverrides = { train: { epochs: 2, checkpointEpochs: [] }, seeds: [0], probe: { epochs: 2 } };
