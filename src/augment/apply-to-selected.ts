import * as tf from '@tensorflow/tfjs-core';
import { readPixels } from './pixels';

/**
 * Applies `fn` to the images whose index is in `selected` (ascending) and returns the whole
 * batch `[batch, h, w, c]`, the other images copied unchanged (bit-exact). `fn` receives the
 * selected images in order, `[selected.length, h, w, c]`, and must return that shape. The
 * sub-batch is cut and merged by copying whole images (contiguous blocks), which is much
 * faster than `tf.gather` on the cpu and wasm backends; internal to augment/.
 */
export function applyToSelected(
  images: tf.Tensor4D,
  selected: readonly number[],
  fn: (subset: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (selected.length === 0) return images.clone();
  if (selected.length === batch) return fn(images);
  const size = height * width * channels;
  const src = readPixels(images);
  const subsetValues = new Float32Array(selected.length * size);
  selected.forEach((i, k) => subsetValues.set(src.subarray(i * size, (i + 1) * size), k * size));
  const subset = tf.tensor4d(subsetValues, [selected.length, height, width, channels]);
  let changed: tf.Tensor4D;
  try {
    changed = fn(subset);
  } finally {
    subset.dispose();
  }
  if (changed.size !== subsetValues.length) {
    changed.dispose();
    throw new Error(`applyToSelected: the augmentation changed the shape [${subset.shape}] to [${changed.shape}]`);
  }
  const changedValues = readPixels(changed);
  const out = src.slice();
  selected.forEach((i, k) => out.set(changedValues.subarray(k * size, (k + 1) * size), i * size));
  changed.dispose();
  return tf.tensor4d(out, images.shape);
}
