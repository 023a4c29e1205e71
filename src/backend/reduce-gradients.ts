import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradients of `Sum` and `Mean` without a tensor of ones. tfjs-core's multiply the
 * reshaped dy by `ones(x.shape)`, an array the size of x filled in JavaScript and copied to
 * the backend on every backward pass (a few ms a step for the layer norms of a ViT, the
 * covariance of VICReg). Here dy is broadcast to x's shape by the backend instead: the same
 * values, since multiplying by one is exact (and Mean's division by the reduced size is the
 * same division), so no result changes by a bit.
 */
function expandedDy(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return tf.broadcastTo(tf.reshape(dy, shape), x.shape);
}

export const sumGradient: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    return { x: () => expandedDy(dy as tf.Tensor, x, attrs.axis) };
  },
};

export const meanGradient: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const reduceSize = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
    return { x: () => tf.div(expandedDy(dy as tf.Tensor, x, attrs.axis), reduceSize) };
  },
};

/** Replaces tfjs-core's gradients of Sum and Mean (call after they are registered). */
export function registerReduceGradients(): void {
  tf.registerGradient(sumGradient);
  tf.registerGradient(meanGradient);
}
