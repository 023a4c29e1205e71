import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { clamp01, editPixels } from './pixels';
import { checkImages, checkInteger, checkProbability, checkRange, describe, mergeOptions, type Range } from './validate-options';

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Odd kernel width in pixels (1 = no blur); SimCLR uses about 10% of the image side. Default 3. */
  kernelSize: number;
  /** Range of the blur's standard deviation in pixels, drawn per image. Default [0.1, 2] (SimCLR). */
  sigma: Range;
  /** Probability that an image is blurred. Default 0.5. */
  p: number;
}

/** Defaults of {@link gaussianBlur}. */
export const defaultGaussianBlurOptions: GaussianBlurOptions = { kernelSize: 3, sigma: [0.1, 2], p: 0.5 };

/** Normalised 1-D Gaussian weights of width `kernelSize` (odd) and standard deviation `sigma`. */
export function gaussianKernel(kernelSize: number, sigma: number): Float64Array {
  const radius = (kernelSize - 1) / 2;
  const weights = new Float64Array(kernelSize);
  let total = 0;
  for (let t = 0; t < kernelSize; t++) {
    weights[t] = Math.exp(-((t - radius) ** 2) / (2 * sigma * sigma));
    total += weights[t];
  }
  return weights.map((w) => w / total);
}

/** Index of position `i` in a line of `n` pixels padded by reflection without repeating the edge (`dcb|abcd|cba`). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * Blurs the images of `[batch, h, w, c]` whose index is `selected[k]` with a Gaussian of
 * standard deviation `sigmas[k]`: separable, `kernelSize` wide, reflect padding (as
 * torchvision's `GaussianBlur`), clipped to [0, 1]. Other images are copied.
 */
export function blurImages(
  images: tf.Tensor4D,
  selected: readonly number[],
  sigmas: readonly number[],
  kernelSize: number,
): tf.Tensor4D {
  const [, height, width, channels] = images.shape;
  if (sigmas.length !== selected.length) {
    throw new InputError('blurImages: sigmas', `${selected.length} sigmas (one per selected image)`, `${sigmas.length}`);
  }
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 !== 1) {
    throw new InputError('blurImages: kernelSize', 'an odd positive integer', describe(kernelSize));
  }
  const radius = (kernelSize - 1) / 2;
  const rowStride = width * channels;
  // Offsets of the (reflected) row read by tap t for output row y, and of the column for output column x.
  const rowOffset = new Int32Array(height * kernelSize);
  const colOffset = new Int32Array(width * kernelSize);
  for (let y = 0; y < height; y++) for (let t = 0; t < kernelSize; t++) rowOffset[y * kernelSize + t] = reflect(y + t - radius, height) * rowStride;
  for (let x = 0; x < width; x++) for (let t = 0; t < kernelSize; t++) colOffset[x * kernelSize + t] = reflect(x + t - radius, width) * channels;
  const temp = new Float64Array(height * rowStride);
  const line = new Float64Array(rowStride);
  return editPixels(images, (out, src, size) => {
    if (radius === 0) return;
    selected.forEach((i, k) => {
      const weights = gaussianKernel(kernelSize, sigmas[k]);
      const base = i * size;
      // Vertical pass into temp: whole rows at a time (contiguous inner loop).
      temp.fill(0);
      for (let y = 0; y < height; y++) {
        const to = y * rowStride;
        for (let t = 0; t < kernelSize; t++) {
          const w = weights[t];
          const from = base + rowOffset[y * kernelSize + t];
          for (let j = 0; j < rowStride; j++) temp[to + j] += w * src[from + j];
        }
      }
      // Horizontal pass, one row at a time, into out.
      for (let y = 0; y < height; y++) {
        const row = y * rowStride;
        line.fill(0);
        for (let t = 0; t < kernelSize; t++) {
          const w = weights[t];
          for (let x = 0; x < width; x++) {
            const from = row + colOffset[x * kernelSize + t];
            const to = x * channels;
            for (let c = 0; c < channels; c++) line[to + c] += w * temp[from + c];
          }
        }
        const dst = base + row;
        for (let j = 0; j < rowStride; j++) out[dst + j] = clamp01(line[j]);
      }
    });
  });
}

/**
 * Random Gaussian blur on `[batch, h, w, c]`: each image with probability `p` (a coin, then its
 * sigma uniform in `sigma`; drawn per image in image order) is blurred by {@link blurImages}.
 * Unblurred images are returned bit-exact.
 */
export function gaussianBlur(options: Partial<GaussianBlurOptions> = {}): Augmentation {
  const where = 'gaussianBlur';
  const o = mergeOptions(defaultGaussianBlurOptions, options, `${where}: options`);
  const kernelSize = checkInteger(o.kernelSize, `${where}: options.kernelSize`, 1, 255);
  if (kernelSize % 2 !== 1) throw new InputError(`${where}: options.kernelSize`, 'an odd integer', describe(kernelSize));
  const sigma = checkRange(o.sigma, `${where}: options.sigma`, { positive: true });
  const p = checkProbability(o.p, `${where}: options.p`);
  return (images, rng) => {
    checkImages(images, where);
    const selected: number[] = [];
    const sigmas: number[] = [];
    for (let i = 0; i < images.shape[0]; i++) {
      if (!(rng.next() < p)) continue;
      selected.push(i);
      sigmas.push(rng.uniform(sigma[0], sigma[1]));
    }
    if (selected.length === 0 || kernelSize === 1) return images.clone();
    return blurImages(images, selected, sigmas, kernelSize);
  };
}
