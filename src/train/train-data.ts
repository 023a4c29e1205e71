import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the trainer reads: `size` images, any subset of which `batch` returns as a new
 * float tensor `[indices.length, h, w, c]` (values in [0, 1]) owned by the caller.
 */
export interface TrainData {
  readonly size: number;
  batch(indices: Int32Array): tf.Tensor4D;
}
