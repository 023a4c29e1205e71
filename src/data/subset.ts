import { InputError } from '../util/errors';
import { datasetSize, type ImageDataset } from './dataset';

/**
 * An `ImageDataset` cut out of another one. `ids[i]` is the id (index in the source file)
 * of image `i`, so scores computed on a subset can be traced back to the original images.
 */
export interface ImageSubset extends ImageDataset {
  /** Id (index in the source file `source`) of each image, `n` entries. */
  readonly ids: Int32Array;
}

/**
 * The ids of a dataset's images: its `ids` when it is a subset, else `0 .. n-1`
 * (an image's id is its index in its source file).
 */
export function idsOf(ds: ImageDataset): Int32Array {
  const ids = (ds as Partial<ImageSubset>).ids;
  if (ids !== undefined) return ids;
  const out = new Int32Array(datasetSize(ds));
  for (let i = 0; i < out.length; i++) out[i] = i;
  return out;
}

/**
 * A new dataset of the images at `indices` (positions in `ds`, in that order; repeats
 * allowed), with copied pixels and labels and the original ids kept in `ids`.
 */
export function subset(ds: ImageDataset, indices: Int32Array | readonly number[]): ImageSubset {
  const [h, w, c] = ds.shape;
  const per = h * w * c;
  const n = datasetSize(ds);
  const parentIds = idsOf(ds);
  const k = indices.length;
  const images = new Uint8Array(k * per);
  const labels = new Int32Array(k);
  const ids = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InputError(`subset indices[${j}]`, `an integer index in [0, ${n}) into ${ds.name}/${ds.source}`, String(i));
    }
    images.set(ds.images.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = ds.labels[i];
    ids[j] = parentIds[i];
  }
  return { ...ds, images, labels, ids };
}
