import * as tf from '@tensorflow/tfjs-core';

/**
 * The identity whose gradient is zero (PyTorch's `detach`; tfjs-core has none): the
 * stopped branch of SimSiam and any target that must not be trained through.
 */
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as unknown as <T extends tf.Tensor>(x: T) => T;
