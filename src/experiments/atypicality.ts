import type { ImageDataset } from '../data/dataset';
import { InputError } from '../util/errors';

/**
 * How atypical each image is for its class, measured without any encoder: the mean
 * pixel-space l2 distance to its `k` nearest neighbours of the same class among
 * `reference` images (the image itself excluded). Large = unlike the rest of its class.
 * Returns one value per id of `ids` (images of `dataset`); `reference` indexes `referenceDataset`.
 */
export function pixelAtypicality(
  dataset: ImageDataset,
  ids: ArrayLike<number>,
  referenceDataset: ImageDataset,
  reference: ArrayLike<number>,
  k = 5,
): Float32Array {
  const [h, w, c] = dataset.shape;
  const d = h * w * c;
  const [rh, rw, rc] = referenceDataset.shape;
  if (rh * rw * rc !== d) throw new InputError('pixelAtypicality: referenceDataset.shape', `${h}x${w}x${c} like the dataset`, `${rh}x${rw}x${rc}`);
  if (!(Number.isInteger(k) && k >= 1)) throw new InputError('pixelAtypicality: k', 'an integer >= 1', String(k));
  const out = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const label = dataset.labels[id];
    const x = dataset.images.subarray(id * d, (id + 1) * d);
    const nearest: number[] = [];
    for (let j = 0; j < reference.length; j++) {
      const r = reference[j];
      if (referenceDataset.labels[r] !== label || (referenceDataset === dataset && r === id)) continue;
      const y = referenceDataset.images.subarray(r * d, (r + 1) * d);
      let s = 0;
      for (let p = 0; p < d; p++) {
        const diff = x[p] - y[p];
        s += diff * diff;
      }
      const dist = Math.sqrt(s) / 255;
      if (nearest.length < k) {
        nearest.push(dist);
        nearest.sort((a, b) => a - b);
      } else if (dist < nearest[k - 1]) {
        nearest[k - 1] = dist;
        nearest.sort((a, b) => a - b);
      }
    }
    out[i] = nearest.length > 0 ? nearest.reduce((a, b) => a + b, 0) / nearest.length : Number.NaN;
  }
  return out;
}
