import { InputError } from '../util/errors';
import type { Rng } from '../util/rng';

/**
 * One Poisson-sampled batch, as DP-SGD's accounting assumes: every one of `n` examples
 * joins independently with probability `rate` (so the batch size varies around `rate n`
 * and may be 0). Indices ascending; all draws from `rng`.
 */
export function poissonBatch(n: number, rate: number, rng: Rng): Int32Array {
  if (!(Number.isInteger(n) && n >= 0)) throw new InputError('poissonBatch n', 'an integer >= 0', String(n));
  if (!(rate >= 0 && rate <= 1)) throw new InputError('poissonBatch rate', 'a probability in [0, 1]', String(rate));
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) if (rng.uniform(0, 1) < rate) chosen.push(i);
  return Int32Array.from(chosen);
}
