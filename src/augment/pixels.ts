import * as tf from '@tensorflow/tfjs-core';

/**
 * Pixel-level helpers shared by the augmentations that work on the values directly (internal
 * to augment/). Per-pixel work runs as plain loops over a `Float32Array`: on the cpu and wasm
 * backends this is several times faster than chains of small tf ops (gather and broadcasting
 * binary ops are slow there) and gives bit-identical results on every backend.
 */

/** The values of `[batch, h, w, c]` images, image-major. Read-only: it may be the backend's own storage. */
export function readPixels(images: tf.Tensor4D): Float32Array {
  return images.dataSync() as Float32Array;
}

/**
 * A new `[batch, h, w, c]` tensor holding a copy of `images` changed in place by `edit`
 * (`out` starts as a copy of `src`; `size` = values per image).
 */
export function editPixels(
  images: tf.Tensor4D,
  edit: (out: Float32Array, src: Float32Array, size: number) => void,
): tf.Tensor4D {
  const src = readPixels(images);
  const out = src.slice();
  const [, height, width, channels] = images.shape;
  edit(out, src, height * width * channels);
  return tf.tensor4d(out, images.shape);
}

/** Clamps to [0, 1]. */
export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
