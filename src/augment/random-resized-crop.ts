import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng';
import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { warpBilinear } from './warp-bilinear';
import { checkImages, checkRange, mergeOptions, type Range } from './validate-options';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's area. Default [0.08, 1] (torchvision, SimCLR). */
  scale: Range;
  /** Range of the crop's aspect ratio width / height, sampled log-uniformly. Default [3/4, 4/3]. */
  ratio: Range;
}

/** Defaults of {@link randomResizedCrop}: torchvision's `RandomResizedCrop`. */
export const defaultRandomResizedCropOptions: RandomResizedCropOptions = { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] };

/** A crop in whole pixels: rows `top .. top + height - 1`, columns `left .. left + width - 1`. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Draws one crop box for an image of `height x width` the way torchvision's
 * `RandomResizedCrop.get_params` does: up to 10 tries of an area fraction uniform in `scale`
 * and a log-uniform aspect ratio in `ratio`, rounded to whole pixels, kept when it fits, at a
 * uniform position; after 10 misses, the largest centred crop whose ratio is within `ratio`.
 */
export function sampleCropBox(height: number, width: number, scale: Range, ratio: Range, rng: Rng): CropBox {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.max(1, Math.round(w / ratio[0]));
  else if (inRatio > ratio[1]) w = Math.max(1, Math.round(h * ratio[1]));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Crops each image of `[batch, h, w, c]` to its box and resizes it back to `h x w` with
 * bilinear sampling. Sample points run from the box's first to its last pixel centre (corners
 * aligned, as tf.image.cropAndResize), so the full-image box is the exact identity.
 * (Not tf.image.cropAndResize itself: the wasm backend's kernel is wrong for boxes that do not
 * start at the top row in tfjs 4.22.)
 */
export function cropAndResizeBoxes(images: tf.Tensor4D, boxes: readonly CropBox[]): tf.Tensor4D {
  const [batch, height, width] = images.shape;
  if (boxes.length !== batch) {
    throw new InputError('cropAndResizeBoxes: boxes', `${batch} boxes (one per image)`, `${boxes.length}`);
  }
  if (height < 2 || width < 2) {
    throw new InputError('cropAndResizeBoxes: images', 'height and width >= 2', `shape [${images.shape}]`);
  }
  // Output (x, y) samples the input at (left + x (w_box - 1) / (w - 1), top + y (h_box - 1) / (h - 1)).
  const coefficients = new Float64Array(batch * 6);
  boxes.forEach((b, i) => {
    coefficients.set([(b.width - 1) / (width - 1), 0, b.left, 0, (b.height - 1) / (height - 1), b.top], 6 * i);
  });
  return warpBilinear(images, boxes.map((_, i) => i), coefficients, 'nearest');
}

/**
 * Random resized crop: for each image of `[batch, h, w, c]` (in image order) draws a box with
 * {@link sampleCropBox} and resizes the crop back to `h x w` (bilinear). Output has the input's
 * shape. The first of the paper's scoring augmentations (SimCLR's crop).
 */
export function randomResizedCrop(options: Partial<RandomResizedCropOptions> = {}): Augmentation {
  const where = 'randomResizedCrop';
  const o = mergeOptions(defaultRandomResizedCropOptions, options, `${where}: options`);
  const scale = checkRange(o.scale, `${where}: options.scale`, { positive: true, max: 1 });
  const ratio = checkRange(o.ratio, `${where}: options.ratio`, { positive: true });
  return (images, rng) => {
    checkImages(images, where);
    const [batch, height, width] = images.shape;
    const boxes: CropBox[] = [];
    for (let i = 0; i < batch; i++) boxes.push(sampleCropBox(height, width, scale, ratio, rng));
    return cropAndResizeBoxes(images, boxes);
  };
}
