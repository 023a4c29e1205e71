import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { logSumExpRows } from './log-sum-exp-rows';

/**
 * Softmax cross-entropy of class logits `[n, classes]` against integer labels `[n]`
 * (int32, each in `[0, classes)`): `mean_i [log sum_k exp(l_ik) - l_{i, y_i}]`. Chance
 * level (all logits equal) is `log(classes)`.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new InputError('crossEntropy inputs', 'logits [n, classes] and labels [n]', `[${logits.shape.join(', ')}] and [${labels.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'int32') throw new InputError('crossEntropy labels', 'an int32 tensor', `dtype ${labels.dtype}`);
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1])), 1);
    return tf.mean(tf.sub(logSumExpRows(logits), picked)) as tf.Scalar;
  });
}

/** Row-wise log-softmax `[n, k]` -> `[n, k]`, `x - log sum exp x` (the gradient through `logSumExpRows`). */
export function logSoftmaxRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sub(x, tf.reshape(logSumExpRows(x), [x.shape[0], 1])) as tf.Tensor2D);
}
