import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation';
import { drawSelection } from './draw-selection';
import { editPixels } from './pixels';
import { checkImages, checkProbability, mergeOptions } from './validate-options';

/** Options of {@link horizontalFlip}. */
export interface HorizontalFlipOptions {
  /** Probability that an image is mirrored left-right. Default 0.5. */
  p: number;
}

/** Defaults of {@link horizontalFlip}. */
export const defaultHorizontalFlipOptions: HorizontalFlipOptions = { p: 0.5 };

/** Mirrors left-right the images of `[batch, h, w, c]` whose index is in `selected`; the others are copied. */
export function flipSelected(images: tf.Tensor4D, selected: readonly number[]): tf.Tensor4D {
  const [, height, width, channels] = images.shape;
  return editPixels(images, (out, src, size) => {
    for (const i of selected) {
      for (let y = 0; y < height; y++) {
        const row = i * size + y * width * channels;
        for (let x = 0; x < width; x++) {
          const to = row + x * channels;
          const from = row + (width - 1 - x) * channels;
          for (let c = 0; c < channels; c++) out[to + c] = src[from + c];
        }
      }
    }
  });
}

/**
 * Mirrors each image of `[batch, h, w, c]` left-right with probability `p` (one coin per image,
 * in image order). Part of the paper's scoring augmentations for natural images.
 * Wrong for digits and text: a mirrored digit is not the same digit (and some, like a
 * mirrored 2 or 5, resemble other classes), so the digit preset leaves it out.
 */
export function horizontalFlip(options: Partial<HorizontalFlipOptions> = {}): Augmentation {
  const where = 'horizontalFlip';
  const o = mergeOptions(defaultHorizontalFlipOptions, options, `${where}: options`);
  const p = checkProbability(o.p, `${where}: options.p`);
  return (images, rng) => {
    checkImages(images, where);
    return flipSelected(images, drawSelection(images.shape[0], p, rng));
  };
}
