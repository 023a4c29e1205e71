import * as tf from '@tensorflow/tfjs-core';
import { datasetSize, type ImageDataset } from '../data/dataset';
import { idsOf } from '../data/subset';
import { toTensor } from '../data/to-tensor';
import { check, InputError } from '../util/errors';

/**
 * Images handed out in batches: `batch(indices)` returns a new float32 tensor
 * `[indices.length, h, w, c]` (values in [0, 1]) that the caller disposes. Lets scoring
 * run over datasets that do not fit in one tensor (e.g. build it from an `ImageDataset`).
 */
export interface BatchSource {
  /** Number of images. */
  readonly size: number;
  /** Images at `indices` (0 <= index < size), `[indices.length, h, w, c]`, float32. */
  batch(indices: Int32Array): tf.Tensor4D;
  /**
   * A stable name of image `index`, e.g. `train/123` (its split and dataset id). Scoring
   * draws a point's augmented views from this name (`scoringViewRng`), so a point gets the
   * same views in whatever set, batch or position it is scored. Default: the index itself.
   */
  pointKey?(index: number): string;
}

/**
 * A batch source over a dataset, or over the images of it at `indices` (e.g. one of the
 * sets S_C, S_S, S_I, S_E), in that order: source index i is dataset image `indices[i]`.
 * Bytes become floats in [0, 1] batch by batch (`toTensor`). Point keys are
 * `<source>/<id>` (e.g. `train/123`, the image's id in its source file).
 */
export function datasetSource(ds: ImageDataset, indices?: ArrayLike<number>): BatchSource {
  const n = datasetSize(ds);
  const ids = idsOf(ds);
  if (indices === undefined) return { size: n, batch: (idx) => toTensor(ds, idx), pointKey: (i) => `${ds.source}/${ids[i]}` };
  const pick = Int32Array.from(indices);
  for (let i = 0; i < pick.length; i++) {
    if (!Number.isInteger(indices[i]) || pick[i] < 0 || pick[i] >= n) {
      throw new InputError(`memorization/datasetSource: indices[${i}]`, `an integer in [0, ${n}) into ${ds.name}/${ds.source}`, String(indices[i]));
    }
  }
  return { size: pick.length, batch: (idx) => toTensor(ds, Int32Array.from(idx, (i) => pick[i])), pointKey: (i) => `${ds.source}/${ids[pick[i]]}` };
}

/** The names of images `start .. end-1` of a source (`BatchSource.pointKey`; a tensor's images are named by their row). */
export function pointKeys(images: ImageSource, start: number, end: number): string[] {
  const key = images instanceof tf.Tensor || images.pointKey === undefined ? (i: number) => String(i) : (i: number) => (images as BatchSource).pointKey!(i);
  return Array.from({ length: end - start }, (_, k) => key(start + k));
}

/** Where scoring and feature extraction read images: a batch source or one tensor `[n, h, w, c]`. */
export type ImageSource = BatchSource | tf.Tensor4D;

/** Number of images in a source; `InputError` (at `where`) for something that is not a source. */
export function imageSourceSize(images: ImageSource, where: string): number {
  if (images instanceof tf.Tensor) {
    check(images.rank === 4, `${where}: images`, 'a 4-D tensor [n, h, w, c]', `shape [${images.shape}]`);
    check(images.dtype === 'float32', `${where}: images`, 'a float32 tensor', `dtype ${images.dtype}`);
    return images.shape[0];
  }
  check(
    images !== null && typeof images === 'object' && typeof (images as BatchSource).batch === 'function',
    `${where}: images`,
    'a tf.Tensor4D or { size, batch(indices) }',
    String(images),
  );
  const n = images.size;
  check(Number.isInteger(n) && n >= 0, `${where}: images.size`, 'a non-negative integer', String(n));
  return n;
}

/**
 * Images `start .. end-1` of a source as a new tensor `[end - start, h, w, c]` that the
 * caller disposes; checks what a batch source returns.
 */
export function readImageBatch(images: ImageSource, start: number, end: number, where: string): tf.Tensor4D {
  const m = end - start;
  if (images instanceof tf.Tensor) return tf.slice(images, [start, 0, 0, 0], [m, -1, -1, -1]);
  const indices = new Int32Array(m);
  for (let i = 0; i < m; i++) indices[i] = start + i;
  const x = images.batch(indices);
  const ok = x instanceof tf.Tensor && x.rank === 4 && x.shape[0] === m && x.dtype === 'float32';
  if (!ok && x instanceof tf.Tensor) x.dispose();
  check(
    ok,
    `${where}: images.batch(indices ${start}..${end - 1})`,
    `a float32 tensor [${m}, h, w, c]`,
    x instanceof tf.Tensor ? `${x.dtype} shape [${x.shape}]` : String(x),
  );
  return x;
}
