import { shuffledBatches } from './epoch-batches';
import { batchOf, slotBatchOf } from './train-data';
import { stepsPerEpochOf } from './train-options';
import { trainStep } from './train-step';
import type { StrategyRun, TrainingStrategy } from './training-strategy';

/**
 * Ordinary training: each epoch a seeded permutation of the data in batches of
 * `batchSize` (`shuffledBatches`), each step `trainStep` (views, loss, gradients, the
 * optimizer update, `afterStep`). With `data.slots` (coupled training) the permutation is
 * of the slots: a step's batch is its chunk of slots, empty slots augmented but left out of
 * the loss (`slotBatchOf`), a chunk of empty slots no step at all.
 */
export function plainStrategy({ parts, data, options }: StrategyRun): TrainingStrategy {
  const { batchSize, dropLast, augment } = options;
  const slots = data.slots;
  const stream = slots?.length ?? data.size;
  const stepsPerEpoch = stepsPerEpochOf(stream, batchSize, dropLast);
  const withLabels = Boolean(parts.objective.needsLabels);
  if (slots === undefined) {
    return {
      stepsPerEpoch,
      batches: (epoch, rng) => shuffledBatches(data.size, batchSize, stepsPerEpoch, epoch, rng),
      step: (indices, rng, lr, position) => trainStep(parts, () => batchOf(data, indices, withLabels), augment, rng, lr, position),
    };
  }
  return {
    stepsPerEpoch,
    batches: function* (epoch, rng) {
      for (const chunk of shuffledBatches(stream, batchSize, stepsPerEpoch, epoch, rng)) yield chunk.some((slot) => slots[slot] >= 0) ? chunk : new Int32Array(0);
    },
    step: (chunk, rng, lr, position) => (chunk.length === 0 ? Number.NaN : trainStep(parts, () => slotBatchOf(data, slots, chunk, withLabels)!, augment, rng, lr, position)),
  };
}
