import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { checkNumber } from '../util/options';
import type { Rng } from '../util/rng';
import { nativeNormalDraws } from '../backend/native/normal-pairs';
import type { NamedTensors } from './optimizer';

/** Settings of `clipAndNoise`. */
export interface ClipAndNoiseOptions {
  /** Clipping norm C: each example's whole gradient (all variables together) is scaled to L2 norm at most C. */
  readonly clip: number;
  /** Noise multiplier sigma: the sum gets Gaussian noise of std `sigma C` per coordinate. */
  readonly noise: number;
  /** What the noisy sum is divided by: the expected batch size `q N` under Poisson sampling. */
  readonly expectedBatchSize: number;
  /** Source of the noise. */
  readonly rng: Rng;
}

/**
 * `n` independent draws of N(0, std^2) from `rng`, by Marsaglia's polar method (one
 * logarithm and square root per pair, no sines: about twice as fast as `rng.normal`,
 * which matters for the noise of every parameter at every DP-SGD step).
 */
export function normalDraws(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  if (nativeNormalDraws(rng, out, std)) return out; // the same bits, in C where the binding is in use
  for (let k = 0; k < n; ) {
    let u: number;
    let v: number;
    let q: number;
    do {
      u = rng.uint32() / 2147483648 - 1;
      v = rng.uint32() / 2147483648 - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = std * Math.sqrt((-2 * Math.log(q)) / q);
    out[k++] = u * f;
    if (k < n) out[k++] = v * f;
  }
  return out;
}

/** The L2 norm of one example's gradient over all its variables together. */
export function gradientNorm(grads: NamedTensors): number {
  return Math.sqrt(tf.tidy(() => Object.values(grads).reduce((sum, g) => sum + (tf.sum(tf.square(g)).dataSync()[0] as number), 0)));
}

/**
 * DP-SGD's aggregation (Abadi et al. 2016), the transform between computing gradients and
 * applying them: each example's gradient `g_i` is clipped to `g_i min(1, C / |g_i|)`, the
 * clipped gradients are summed, Gaussian noise of std `sigma C` is added to every
 * coordinate (drawn in JavaScript from `rng`, so it is the same on every backend), and the
 * result is divided by the expected batch size. Every example must name the same
 * variables. Returns new tensors the caller disposes; the inputs are left as they are.
 */
export function clipAndNoise(perExample: readonly NamedTensors[], options: ClipAndNoiseOptions): NamedTensors {
  const { clip, noise, expectedBatchSize, rng } = options;
  checkNumber(clip, 'clipAndNoise clip', { min: 0, minOpen: true });
  checkNumber(noise, 'clipAndNoise noise', { min: 0 });
  checkNumber(expectedBatchSize, 'clipAndNoise expectedBatchSize', { min: 0, minOpen: true });
  if (perExample.length === 0) throw new InputError('clipAndNoise perExample', 'the gradients of at least one example (an empty Poisson batch still gets noise: pass zeros)', 'none');
  const names = Object.keys(perExample[0]).sort();
  perExample.forEach((g, i) => {
    const mine = Object.keys(g).sort();
    if (mine.join('\n') !== names.join('\n')) throw new InputError(`clipAndNoise perExample[${i}]`, `gradients of ${names.join(', ')}`, mine.join(', '));
  });
  const scales = perExample.map((g) => Math.min(1, clip / Math.max(gradientNorm(g), 1e-12)));
  const sums: NamedTensors = {};
  for (const name of names) {
    sums[name] = tf.tidy(() => perExample.reduce<tf.Tensor>((acc, g, i) => tf.add(acc, tf.mul(g[name], scales[i])), tf.zerosLike(perExample[0][name])));
  }
  const out = noisyMean(sums, options);
  Object.values(sums).forEach((t) => t.dispose());
  return out;
}

/**
 * The end of DP-SGD's aggregation: `(sum + N(0, (sigma C)^2)) / expectedBatchSize` for each
 * variable's sum of clipped gradients, the noise drawn in JavaScript from `rng` variable by
 * variable in name order (the same on every backend). Returns new tensors; `sums` is left
 * as it is.
 */
export function noisyMean(sums: NamedTensors, options: ClipAndNoiseOptions): NamedTensors {
  const { clip, noise, expectedBatchSize, rng } = options;
  const out: NamedTensors = {};
  for (const name of Object.keys(sums).sort()) {
    out[name] = tf.tidy(() => {
      const sum = sums[name];
      if (noise === 0) return tf.div(sum, expectedBatchSize);
      return tf.div(tf.add(sum, tf.tensor(normalDraws(rng, sum.size, noise * clip), sum.shape)), expectedBatchSize);
    });
  }
  return out;
}
