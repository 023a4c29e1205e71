import * as tf from '@tensorflow/tfjs-core';

/** Rows scaled to unit L2 norm, `[n, d]` -> `[n, d]` (norms below 1e-12 count as 1e-12, as in PyTorch's `F.normalize`). */
export function l2Normalize<T extends tf.Tensor>(z: T): T {
  return tf.tidy(() => tf.div(z, tf.sqrt(tf.maximum(tf.sum(tf.square(z), -1, true), 1e-24))) as T);
}
