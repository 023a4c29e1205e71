import * as tf from '@tensorflow/tfjs-core';
import { geluByKernels, hasGeluKernels } from './gelu-kernels';

/** Options of `gelu`. */
export interface GeluOptions {
  /** `none`: exact erf form (PyTorch's default); `tanh`: the tanh approximation. Default `none`. */
  readonly approximate: 'none' | 'tanh';
}

/** Defaults of `gelu`. */
export const defaultGeluOptions: GeluOptions = { approximate: 'none' };

/**
 * Gaussian error linear unit (Hendrycks & Gimpel 2016), elementwise:
 * `gelu(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))`, or with `approximate: 'tanh'`
 * `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))`. The exact form runs as one kernel
 * forward and one backward on wasm and cpu (`gelu-kernels.ts`).
 */
export function gelu<T extends tf.Tensor>(x: T, options: Partial<GeluOptions> = {}): T {
  const { approximate } = { ...defaultGeluOptions, ...options };
  if (approximate === 'none' && x.dtype === 'float32' && hasGeluKernels()) return geluByKernels(x) as T;
  return tf.tidy(() => {
    const inner =
      approximate === 'tanh'
        ? tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))
        : tf.erf(tf.mul(x, Math.SQRT1_2));
    return tf.mul(tf.mul(x, 0.5), tf.add(inner, 1)) as T;
  });
}
