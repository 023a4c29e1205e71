import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';

/** Patch grid of an image: `ceil(h / patch)` rows by `ceil(w / patch)` columns. */
export function patchGrid(height: number, width: number, patchSize: number): { rows: number; cols: number; tokens: number } {
  const rows = Math.ceil(height / patchSize);
  const cols = Math.ceil(width / patchSize);
  return { rows, cols, tokens: rows * cols };
}

/**
 * Cuts images into non-overlapping square patches, row-major over the grid:
 * `[batch, h, w, c]` -> `[batch, tokens, patch * patch * c]`, each patch flattened in
 * `(row, col, channel)` order (the layout of a conv kernel `[p, p, c, out]`, so a dense
 * layer on patches equals a conv with stride = kernel = patch). Sizes that do not divide
 * by `patchSize` are zero-padded at the bottom and right. Uses only rank-4 transposes.
 */
export function patchify(images: tf.Tensor4D, patchSize: number): tf.Tensor3D {
  if (images.rank !== 4) throw new InputError('patchify images', 'shape [batch, h, w, c]', `[${images.shape.join(', ')}]`);
  if (!Number.isInteger(patchSize) || patchSize < 1) throw new InputError('patchify patchSize', 'a positive integer', `${patchSize}`);
  const [batch, height, width, channels] = images.shape;
  const { rows, cols, tokens } = patchGrid(height, width, patchSize);
  const p = patchSize;
  return tf.tidy(() => {
    const padH = rows * p - height;
    const padW = cols * p - width;
    const padded =
      padH > 0 || padW > 0
        ? tf.pad(images, [
            [0, 0],
            [0, padH],
            [0, padW],
            [0, 0],
          ])
        : images;
    // [batch, rows, p, cols, p, c] viewed as [batch * rows, p, cols, p * c]
    const view = tf.reshape(padded, [batch * rows, p, cols, p * channels]);
    const swapped = tf.transpose(view, [0, 2, 1, 3]); // [batch * rows, cols, p, p * c]
    return tf.reshape(swapped, [batch, tokens, p * p * channels]);
  });
}
