import * as tf from '@tensorflow/tfjs-core';

/**
 * `log sum_j exp(x_ij)` of each row of `[n, m]`, stabilised by the row maximum, with the
 * gradient written as `dy * softmax(x)`. Same values as `tf.logSumExp(x, 1)`, but its
 * backward pass is three plain ops: tfjs differentiates through the maximum too (an
 * equality mask and broadcast products that cancel out), which costs more than the
 * forward pass.
 */
export const logSumExpRows = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const rowMax = tf.max(x, 1, true);
  const shifted = tf.sub(x, rowMax);
  const exps = tf.exp(shifted);
  const sumExp = tf.sum(exps, 1, true);
  const value = tf.reshape(tf.add(tf.log(sumExp), rowMax), [x.shape[0]]);
  save([exps, sumExp]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [e, total] = saved;
      return tf.mul(e, tf.div(tf.reshape(dy, [e.shape[0], 1]), total));
    },
  };
}) as unknown as (x: tf.Tensor2D) => tf.Tensor1D;
