import * as tf from '@tensorflow/tfjs-core';
import { hasL2NormalizeKernels, l2NormalizeByKernels } from './cosine-kernels';

/**
 * Rows scaled to unit L2 norm, `[n, d]` -> `[n, d]` (norms below 1e-12 count as 1e-12, as in
 * PyTorch's `F.normalize`). One kernel forward and one back where products run natively
 * (`cosine-kernels.ts`, the same bits as the ops).
 */
export function l2Normalize<T extends tf.Tensor>(z: T): T {
  if (z.dtype === 'float32' && z.rank >= 1 && hasL2NormalizeKernels()) return l2NormalizeByKernels(z) as T;
  return l2NormalizeByOps(z);
}

/** `l2Normalize` by tfjs ops (every backend), differentiated by the tape. */
export function l2NormalizeByOps<T extends tf.Tensor>(z: T): T {
  return tf.tidy(() => tf.div(z, tf.sqrt(tf.maximum(tf.sum(tf.square(z), -1, true), 1e-24))) as T);
}
