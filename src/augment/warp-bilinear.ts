import type * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { editPixels } from './pixels';
import { nativeProducts } from '../backend/native/native-blas';

/** How pixels that map from outside the image are filled (TensorFlow's `fill_mode` names). */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** The fill modes, for validation. */
export const fillModes: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];

/** The native binding's code of each fill mode. */
const nativeModes: Readonly<Record<FillMode, number>> = { constant: 0, reflect: 1, wrap: 2, nearest: 3 };

/**
 * Maps a sampling coordinate for the non-constant fill modes: `nearest` clamps to `[0, n - 1]`
 * (`aaaa|abcd|dddd`), `reflect` mirrors about the outer pixel edges and clamps
 * (`dcba|abcd|dcba`), `wrap` reduces modulo `n` into `[0, n)` (`abcd|abcd|abcd`; between the
 * last and the first pixel it interpolates across the seam).
 */
function mapCoordinate(v: number, n: number, mode: FillMode): number {
  if (mode === 'wrap') {
    const m = v % n;
    return m < 0 ? (m + n >= n ? 0 : m + n) : m;
  }
  if (mode === 'reflect') {
    const period = 2 * n;
    let m = (v + 0.5) % period;
    if (m < 0) m += period;
    v = (m < n ? m : period - m) - 0.5;
  }
  return v < 0 ? 0 : v > n - 1 ? n - 1 : v;
}

/**
 * Resamples the images of `[batch, h, w, c]` whose index is `selected[k]` through the affine map
 * `coefficients[6k .. 6k + 5] = [a0, a1, a2, b0, b1, b2]`: output pixel `(x, y)` (column, row)
 * takes the bilinear sample of the input at `(a0 x + a1 y + a2, b0 x + b1 y + b2)`, the same
 * convention as tf.image.transform. Pixels outside the input follow `fillMode` (for `constant`,
 * each of the four taps outside reads `fillValue`; `wrap` differs from TensorFlow's only between
 * the last and first pixel, where TensorFlow clamps). Other images are copied. Integer sample
 * points read the pixel exactly, so the identity map is bit-exact. Plain loops (in the native
 * binding's C where products run natively, the same arithmetic): identical results on every
 * backend (the cpu backend's batched Transform kernel and the wasm backend's CropAndResize
 * kernel are wrong in tfjs 4.22); internal to augment/.
 */
export function warpBilinear(
  images: tf.Tensor4D,
  selected: readonly number[],
  coefficients: ArrayLike<number>,
  fillMode: FillMode = 'constant',
  fillValue = 0,
): tf.Tensor4D {
  const [, height, width, channels] = images.shape;
  if (coefficients.length !== 6 * selected.length) {
    throw new InputError('warpBilinear: coefficients', `${6 * selected.length} numbers (6 per selected image)`, `${coefficients.length}`);
  }
  const rowStride = width * channels;
  const native = nativeProducts()?.warp;
  return editPixels(images, (out, src, size) => {
    if (native !== undefined && Array.prototype.every.call(coefficients, Number.isFinite)) {
      // The same loops in the binding's C, the same double arithmetic (the same bits).
      native(src, out, height, width, channels, Int32Array.from(selected), Float64Array.from(coefficients), nativeModes[fillMode], fillValue);
      return;
    }
    selected.forEach((i, k) => {
      const [a0, a1, a2, b0, b1, b2] = Array.from({ length: 6 }, (_, t) => coefficients[6 * k + t]);
      const base = i * size;
      let o = base;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++, o += channels) {
          let sx = a0 * x + a1 * y + a2;
          let sy = b0 * x + b1 * y + b2;
          if (fillMode !== 'constant') {
            sx = mapCoordinate(sx, width, fillMode);
            sy = mapCoordinate(sy, height, fillMode);
          }
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const fx = sx - x0;
          const fy = sy - y0;
          const x1 = x0 + 1;
          const y1 = y0 + 1;
          if (x0 >= 0 && y0 >= 0 && x1 < width && y1 < height) {
            // All four taps inside: the common case.
            const p00 = base + y0 * rowStride + x0 * channels;
            const p10 = p00 + rowStride;
            for (let c = 0; c < channels; c++) {
              const top = (1 - fx) * src[p00 + c] + fx * src[p00 + channels + c];
              const bottom = (1 - fx) * src[p10 + c] + fx * src[p10 + channels + c];
              out[o + c] = (1 - fy) * top + fy * bottom;
            }
            continue;
          }
          if (fillMode === 'constant') {
            const in00 = y0 >= 0 && y0 < height && x0 >= 0 && x0 < width;
            const in01 = y0 >= 0 && y0 < height && x1 >= 0 && x1 < width;
            const in10 = y1 >= 0 && y1 < height && x0 >= 0 && x0 < width;
            const in11 = y1 >= 0 && y1 < height && x1 >= 0 && x1 < width;
            const p00 = base + y0 * rowStride + x0 * channels;
            for (let c = 0; c < channels; c++) {
              const v00 = in00 ? src[p00 + c] : fillValue;
              const v01 = in01 ? src[p00 + channels + c] : fillValue;
              const v10 = in10 ? src[p00 + rowStride + c] : fillValue;
              const v11 = in11 ? src[p00 + rowStride + channels + c] : fillValue;
              out[o + c] = (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
            }
            continue;
          }
          // Mapped coordinates: the second tap past the last pixel wraps to the first (wrap) or has weight 0 (others).
          const xn = x1 < width ? x1 : fillMode === 'wrap' ? 0 : width - 1;
          const yn = y1 < height ? y1 : fillMode === 'wrap' ? 0 : height - 1;
          const r0 = base + y0 * rowStride;
          const r1 = base + yn * rowStride;
          for (let c = 0; c < channels; c++) {
            const top = (1 - fx) * src[r0 + x0 * channels + c] + fx * src[r0 + xn * channels + c];
            const bottom = (1 - fx) * src[r1 + x0 * channels + c] + fx * src[r1 + xn * channels + c];
            out[o + c] = (1 - fy) * top + fy * bottom;
          }
        }
      }
    });
  });
}
