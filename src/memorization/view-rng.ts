import { createRng, type Rng } from '../util/rng';

/**
 * The generator that draws augmented view `view` (0 or 1) of pair `pair` of one point, for
 * scoring seed `seed`. `point` names the point, e.g. `train/123` (its split and id, see
 * `BatchSource.pointKey`). The view depends on nothing else: not on the encoder (every
 * encoder scored with the same seed sees identical views, as SSLMem compares f and g on the
 * same x', x''), and not on the batch, set or position the point is scored in (different
 * points get independent views). Exported so that notebooks can show the views a score was
 * computed on.
 */
export function scoringViewRng(seed: number, point: string, pair: number, view: 0 | 1): Rng {
  return createRng(seed).fork(`sslmem-views/${point}/${pair}/${view}`);
}
