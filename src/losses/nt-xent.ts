import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { l2Normalize } from './l2-normalize';
import { logSumExpRows } from './log-sum-exp-rows';

/**
 * NT-Xent (normalised temperature-scaled cross entropy, InfoNCE) of SimCLR (Chen et al.
 * 2020) for two views `z1`, `z2` of the same `n` images, each `[n, d]`. With the 2n rows
 * `u` = L2-normalised `[z1; z2]` and `s_ij = u_i . u_j / temperature`, the loss is
 * `mean_i [ -s_{i,p(i)} + log sum_{j != i} exp(s_ij) ]` over all 2n anchors, the positive
 * `p(i)` being the other view of the same image. Symmetric in `z1` and `z2`; chance level
 * is `log(2n - 1)`. Built from a plain matMul with an explicit transpose (fast on wasm),
 * no gather and no one-hot.
 */
export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature = 0.5): tf.Scalar {
  if (z1.rank !== 2 || z2.rank !== 2 || z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new InputError('ntXentLoss views', 'two [n, d] tensors of the same shape', `[${z1.shape.join(', ')}] and [${z2.shape.join(', ')}]`);
  }
  return tf.tidy(() => ntXentStacked(tf.concat([z1, z2], 0), temperature));
}

/**
 * NT-Xent of stacked views `[2n, d]`: rows `0..n-1` are view 1, rows `n..2n-1` view 2
 * of the same images (see `ntXentLoss`).
 */
export function ntXentStacked(z: tf.Tensor2D, temperature = 0.5): tf.Scalar {
  const rows = z.shape[0];
  if (z.rank !== 2 || rows < 2 || rows % 2 !== 0) {
    throw new InputError('ntXentStacked z', '[2n, d] with n >= 1', `[${z.shape.join(', ')}]`);
  }
  if (!(temperature > 0)) throw new InputError('ntXent temperature', 'a number > 0', String(temperature));
  return tf.tidy(() => {
    const u = l2Normalize(z);
    const similarity = tf.div(tf.matMul(u, tf.transpose(u)), temperature);
    const masked = tf.sub(similarity, tf.mul(tf.eye(rows), 1e9));
    const logDenominator = logSumExpRows(masked as tf.Tensor2D);
    const [u1, u2] = tf.split(u, 2, 0);
    const positive = tf.div(tf.sum(tf.mul(u1, u2), 1), temperature);
    return tf.sub(tf.mean(logDenominator), tf.mean(positive)) as tf.Scalar;
  });
}
