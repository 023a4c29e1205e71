import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng';
import { checkNumber } from '../util/options';

/**
 * Inverted dropout (Srivastava et al. 2014): zeroes each entry with probability `rate`
 * and scales the rest by `1 / (1 - rate)`. The mask is drawn in JavaScript from `rng`,
 * so the same seed gives the same mask on every backend. `rate = 0` returns `x` itself.
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, rng: Rng): T {
  checkNumber(rate, 'dropout rate', { min: 0, max: 1, maxOpen: true });
  if (rate === 0) return x;
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')) as T);
}
