import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { datasetSize, type ImageDataset } from './dataset';

/**
 * Images of a dataset as a float32 tensor `[batch, height, width, channels]` with values
 * in [0, 1] (bytes / 255). `indices` picks and orders the images (default: all of them);
 * each must be an integer in `[0, n)`. The caller owns (and disposes) the tensor.
 */
export function toTensor(ds: ImageDataset, indices?: Int32Array | readonly number[]): tf.Tensor4D {
  const [h, w, c] = ds.shape;
  const per = h * w * c;
  const n = datasetSize(ds);
  const pick = indices ?? null;
  const batch = pick === null ? n : pick.length;
  const values = new Float32Array(batch * per);
  const scale = 1 / 255;
  for (let b = 0; b < batch; b++) {
    const i = pick === null ? b : pick[b];
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InputError(`toTensor indices[${b}]`, `an integer index in [0, ${n}) into ${ds.name}/${ds.source}`, String(i));
    }
    const src = i * per;
    const dst = b * per;
    for (let p = 0; p < per; p++) values[dst + p] = ds.images[src + p] * scale;
  }
  return tf.tensor4d(values, [batch, h, w, c], 'float32');
}
