import * as tf from '@tensorflow/tfjs-core';
import { check, InputError } from '../util/errors';

/** A row-major matrix of features, `data[row * cols + col]`, `[rows, cols]`. */
export interface FeatureMatrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Features for probes and kNN: a tensor `[n, dim]` or a `FeatureMatrix`. */
export type Features = tf.Tensor2D | FeatureMatrix;

/** `[rows, cols]` of features; `InputError` at `where` for anything else. */
export function featureShape(features: Features, where: string): [number, number] {
  if (features instanceof tf.Tensor) {
    check(features.rank === 2, where, 'a 2-D tensor [n, dim]', `shape [${features.shape}]`);
    return [features.shape[0], features.shape[1]];
  }
  check(
    features !== null && typeof features === 'object' && features.data instanceof Float32Array,
    where,
    'a tf.Tensor2D or { data: Float32Array, rows, cols }',
    String(features),
  );
  const { rows, cols, data } = features;
  check(Number.isInteger(rows) && rows >= 0 && Number.isInteger(cols) && cols >= 1, where, 'integer rows >= 0 and cols >= 1', `rows ${rows}, cols ${cols}`);
  check(data.length === rows * cols, `${where}.data`, `${rows} x ${cols} = ${rows * cols} values`, `${data.length}`);
  return [rows, cols];
}

/** Features as a float32 tensor `[n, dim]` (a new tensor unless given one; use inside `tf.tidy`). */
export function featureTensor(features: Features): tf.Tensor2D {
  if (features instanceof tf.Tensor) return features.dtype === 'float32' ? features : tf.cast(features, 'float32');
  return tf.tensor2d(features.data, [features.rows, features.cols]);
}

/**
 * Checks class labels: `n` integers in `[0, numClasses)` (when given). Returns the largest label.
 */
export function checkLabels(labels: ArrayLike<number>, n: number, where: string, numClasses?: number): number {
  check(labels !== null && typeof labels === 'object' && typeof labels.length === 'number', where, 'an array of labels', String(labels));
  check(labels.length === n, where, `${n} labels (one per feature row)`, `${labels.length}`);
  let max = -1;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || (numClasses !== undefined && y >= numClasses)) {
      throw new InputError(`${where}[${i}]`, numClasses === undefined ? 'an integer >= 0' : `an integer in [0, ${numClasses})`, String(y));
    }
    if (y > max) max = y;
  }
  return max;
}
