import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';

/** The three terms of VICReg's loss for two embeddings of the same images. */
export interface VicregTerms {
  /** Invariance: mean squared difference `mean_{i,d} (z1_id - z2_id)^2`. */
  readonly invariance: tf.Scalar;
  /** Variance: `sum over the two views of mean_d relu(gamma - sqrt(var_d + eps)) / 2` (unbiased variance over the batch). */
  readonly variance: tf.Scalar;
  /** Covariance: `sum over the two views of sum_{d != e} C_de^2 / dim` (C the batch covariance, divisor n - 1). */
  readonly covariance: tf.Scalar;
}

/** Settings of `vicregTerms`. */
export interface VicregTermOptions {
  /** Target standard deviation per dimension. Default 1. */
  readonly gamma?: number;
  /** Added to the variance before the square root. Default 1e-4. */
  readonly epsilon?: number;
}

/**
 * Variance, invariance and covariance terms of VICReg (Bardes, Ponce & LeCun 2022) for
 * embeddings `z1`, `z2` of shape `[n, d]` (n >= 2): the loss is
 * `lambda invariance + mu variance + nu covariance` (25, 25, 1 in the paper). The
 * variance term keeps every dimension's std at `gamma` (against collapse), the covariance
 * term decorrelates dimensions. Each term is symmetric in the two views. The caller
 * disposes the three scalars.
 */
export function vicregTerms(z1: tf.Tensor2D, z2: tf.Tensor2D, options: VicregTermOptions = {}): VicregTerms {
  const { gamma = 1, epsilon = 1e-4 } = options;
  if (z1.rank !== 2 || z2.rank !== 2 || z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1] || z1.shape[0] < 2) {
    throw new InputError('vicregTerms embeddings', 'two [n, d] tensors of the same shape with n >= 2', `[${z1.shape.join(', ')}] and [${z2.shape.join(', ')}]`);
  }
  const [n, d] = z1.shape;
  const branch = (z: tf.Tensor2D): { variance: tf.Scalar; covariance: tf.Scalar } =>
    tf.tidy(() => {
      const centred = tf.sub(z, tf.mean(z, 0, true));
      const cov = tf.div(tf.matMul(tf.transpose(centred), centred), n - 1); // [d, d]
      const diag = tf.div(tf.sum(tf.square(centred), 0), n - 1); // unbiased variance per dimension
      const std = tf.sqrt(tf.add(diag, epsilon));
      const variance = tf.mean(tf.relu(tf.sub(gamma, std))) as tf.Scalar;
      const offDiagonal = tf.sub(tf.sum(tf.square(cov)), tf.sum(tf.square(diag)));
      return { variance, covariance: tf.div(offDiagonal, d) as tf.Scalar };
    });
  return tf.tidy(() => {
    const a = branch(z1);
    const b = branch(z2);
    return {
      invariance: tf.mean(tf.square(tf.sub(z1, z2))) as tf.Scalar,
      variance: tf.div(tf.add(a.variance, b.variance), 2) as tf.Scalar,
      covariance: tf.add(a.covariance, b.covariance) as tf.Scalar,
    };
  }) as VicregTerms;
}
