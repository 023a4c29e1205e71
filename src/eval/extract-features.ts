import * as tf from '@tensorflow/tfjs-core';
import { imageSourceSize, readImageBatch, type ImageSource } from '../memorization/image-source';
import type { Representer } from '../memorization/representer';
import { check } from '../util/errors';
import type { FeatureMatrix } from './feature-matrix';

/** Options of `extractFeatures`. */
export interface ExtractFeaturesOptions {
  /** Images per forward pass. Default 256. */
  batchSize: number;
  /** Called after each batch with the number of images done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Defaults of `extractFeatures`. */
export const defaultExtractFeaturesOptions: ExtractFeaturesOptions = { batchSize: 256 };

/**
 * Representations of all images, batch by batch: `[n, h, w, c]` -> `FeatureMatrix`
 * `[n, dim]` (frozen features for linear probes and kNN). The third argument is the
 * options object or just the batch size.
 */
export async function extractFeatures(
  represent: Representer,
  images: ImageSource,
  options: number | Partial<ExtractFeaturesOptions> = {},
): Promise<FeatureMatrix> {
  const where = 'eval/extractFeatures';
  const o = { ...defaultExtractFeaturesOptions, ...(typeof options === 'number' ? { batchSize: options } : options) };
  check(Number.isInteger(o.batchSize) && o.batchSize >= 1, `${where}: batchSize`, 'an integer >= 1', String(o.batchSize));
  check(typeof represent === 'function', `${where}: represent`, 'a function', typeof represent);
  const n = imageSourceSize(images, where);
  let data = new Float32Array(0);
  let cols = -1;
  for (let start = 0; start < n; start += o.batchSize) {
    const end = Math.min(n, start + o.batchSize);
    const x = readImageBatch(images, start, end, where);
    let z: tf.Tensor2D;
    try {
      z = tf.tidy(() => {
        const out = represent(x);
        check(
          out instanceof tf.Tensor && out.rank === 2 && out.shape[0] === end - start && (cols < 0 || out.shape[1] === cols),
          `${where}: representer output (images ${start}..${end - 1})`,
          `a 2-D tensor [${end - start}, ${cols < 0 ? 'dim' : cols}]`,
          out instanceof tf.Tensor ? `shape [${out.shape}]` : String(out),
        );
        return tf.cast(out, 'float32') as tf.Tensor2D;
      });
    } finally {
      x.dispose();
    }
    try {
      if (cols < 0) {
        cols = z.shape[1];
        data = new Float32Array(n * cols);
      }
      data.set(await z.data(), start * cols);
    } finally {
      z.dispose();
    }
    o.onProgress?.(end, n);
  }
  return { data, rows: n, cols: Math.max(cols, 0) };
}
