import { shuffledBatches } from './epoch-batches';
import { batchOf } from './train-data';
import { stepsPerEpochOf } from './train-options';
import { trainStep } from './train-step';
import type { StrategyRun, TrainingStrategy } from './training-strategy';

/**
 * Ordinary training: each epoch a seeded permutation of the data in batches of
 * `batchSize` (`shuffledBatches`), each step `trainStep` (views, loss, gradients, the
 * optimizer update, `afterStep`).
 */
export function plainStrategy({ parts, data, options }: StrategyRun): TrainingStrategy {
  const { batchSize, dropLast, augment } = options;
  const stepsPerEpoch = stepsPerEpochOf(data.size, batchSize, dropLast);
  const withLabels = Boolean(parts.objective.needsLabels);
  return {
    stepsPerEpoch,
    batches: (epoch, rng) => shuffledBatches(data.size, batchSize, stepsPerEpoch, epoch, rng),
    step: (indices, rng, lr, position) => trainStep(parts, () => batchOf(data, indices, withLabels), augment, rng, lr, position),
  };
}
