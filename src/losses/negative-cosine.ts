import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { l2Normalize } from './l2-normalize';
import { hasNegativeCosineKernels, negativeCosineByKernels } from './cosine-kernels';

/**
 * Negative cosine similarity of paired rows, `mean_i -(p_i . z_i) / (|p_i| |z_i|)`, for
 * `p`, `z` of shape `[n, d]`: the loss of SimSiam (Chen & He 2021, `D(p, z)`) and, as
 * `2 - 2 cos`, of BYOL (Grill et al. 2020). In `[-1, 1]`; symmetric in its arguments.
 * Wrap `z` in `stopGradient` for the stopped branch. One kernel forward and one back where
 * products run natively (`cosine-kernels.ts`, the same bits as the ops).
 */
export function negativeCosineSimilarity(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  if (p.rank !== 2 || z.rank !== 2 || p.shape[0] !== z.shape[0] || p.shape[1] !== z.shape[1]) {
    throw new InputError('negativeCosineSimilarity inputs', 'two [n, d] tensors of the same shape', `[${p.shape.join(', ')}] and [${z.shape.join(', ')}]`);
  }
  if (p.dtype === 'float32' && z.dtype === 'float32' && p.shape[0] > 0 && p.shape[1] > 0 && hasNegativeCosineKernels()) return negativeCosineByKernels(p, z) as tf.Scalar;
  return negativeCosineByOps(p, z);
}

/** `negativeCosineSimilarity` by tfjs ops (every backend), differentiated by the tape. */
export function negativeCosineByOps(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(l2Normalize(p), l2Normalize(z)), 1))) as tf.Scalar);
}
