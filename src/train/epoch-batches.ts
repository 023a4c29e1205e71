import type { Rng } from '../util/rng';
import { poissonBatch } from './poisson-batch';

/**
 * The `steps` batches of epoch `epoch` (0-based) over `size` examples: a permutation from
 * `rng.fork('order').fork(epoch)` cut into consecutive runs of `batchSize` indices (the
 * last may be short when the epoch keeps an incomplete batch).
 */
export function* shuffledBatches(size: number, batchSize: number, steps: number, epoch: number, rng: Rng): Generator<Int32Array> {
  const order = rng.fork('order').fork(epoch).permutation(size);
  for (let b = 0; b < steps; b++) yield order.subarray(b * batchSize, Math.min(size, (b + 1) * batchSize));
}

/**
 * The `steps` Poisson-sampled batches of epoch `epoch` (0-based) over `size` examples:
 * global step `s = epoch * steps + b` draws every example with probability `rate` from
 * `rng.fork('poisson').fork(s)` (`poissonBatch`), so a batch depends only on the seed and
 * its step, and a resumed run draws the same batches.
 */
export function* poissonBatches(size: number, rate: number, steps: number, epoch: number, rng: Rng): Generator<Int32Array> {
  for (let b = 0; b < steps; b++) yield poissonBatch(size, rate, rng.fork('poisson').fork(epoch * steps + b));
}
