import type * as tf from '@tensorflow/tfjs-core';
import type { StepBatch } from './train-step';

/**
 * What the trainer reads: `size` images, any subset of which `batch` returns as a new
 * float tensor `[indices.length, h, w, c]` (values in [0, 1]) owned by the caller, and
 * their class labels (`labels`, needed by objectives with `needsLabels`).
 */
export interface TrainData {
  readonly size: number;
  batch(indices: Int32Array): tf.Tensor4D;
  /** Class labels of the images at `indices`. */
  labels?(indices: Int32Array): Int32Array;
}

/** One step's batch: the images at `indices` `[indices.length, h, w, c]` and, when `withLabels`, their labels. */
export function batchOf(data: TrainData, indices: Int32Array, withLabels: boolean): StepBatch {
  return { images: data.batch(indices), labels: withLabels ? data.labels!(indices) : undefined };
}
