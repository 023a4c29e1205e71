import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation';
import { drawSelection } from './draw-selection';
import { clamp01, editPixels } from './pixels';
import { checkImages, checkProbability, mergeOptions } from './validate-options';

/** Luma weights of R, G, B (ITU-R 601, as torchvision's `rgb_to_grayscale`). */
export const lumaWeights: readonly [number, number, number] = [0.299, 0.587, 0.114];

/** Options of {@link randomGrayscale}. */
export interface RandomGrayscaleOptions {
  /** Probability that an image is turned grey. Default 0.2 (the paper's scoring set). */
  p: number;
}

/** Defaults of {@link randomGrayscale}. */
export const defaultRandomGrayscaleOptions: RandomGrayscaleOptions = { p: 0.2 };

/**
 * Turns grey the RGB images of `[batch, h, w, 3]` whose index is in `selected`: each pixel's
 * luma `0.299 r + 0.587 g + 0.114 b` goes to all three channels. Others are copied.
 */
export function grayscaleSelected(images: tf.Tensor4D, selected: readonly number[]): tf.Tensor4D {
  const [wr, wg, wb] = lumaWeights;
  return editPixels(images, (out, src, size) => {
    for (const i of selected) {
      for (let j = i * size; j < (i + 1) * size; j += 3) {
        const gray = clamp01(wr * src[j] + wg * src[j + 1] + wb * src[j + 2]);
        out[j] = gray;
        out[j + 1] = gray;
        out[j + 2] = gray;
      }
    }
  });
}

/**
 * Turns each RGB image of `[batch, h, w, 3]` grey with probability `p` (one coin per image in
 * image order; the output keeps 3 channels). On one-channel images it draws the coins and
 * changes nothing.
 */
export function randomGrayscale(options: Partial<RandomGrayscaleOptions> = {}): Augmentation {
  const where = 'randomGrayscale';
  const o = mergeOptions(defaultRandomGrayscaleOptions, options, `${where}: options`);
  const p = checkProbability(o.p, `${where}: options.p`);
  return (images, rng) => {
    checkImages(images, where, [1, 3]);
    const selected = drawSelection(images.shape[0], p, rng);
    if (images.shape[3] === 1 || selected.length === 0) return images.clone();
    return grayscaleSelected(images, selected);
  };
}
