import { createRng, type Rng } from '../util/rng';

/**
 * The generator that draws augmented view `view` (0 or 1) of pair `pair` for the batch of
 * images starting at index `batchStart`, for scoring seed `seed`. It depends on nothing
 * else, in particular not on the encoder, so every encoder scored with the same seed and
 * batch size sees identical views (SSLMem compares f and g on the same x', x'').
 * Exported so that notebooks can show the views a score was computed on.
 */
export function scoringViewRng(seed: number, pair: number, batchStart: number, view: 0 | 1): Rng {
  return createRng(seed).fork(`sslmem-views/${pair}/${batchStart}/${view}`);
}
