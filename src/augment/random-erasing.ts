import type { Rng } from '../util/rng';
import type { Augmentation } from './augmentation';
import type { CropBox } from './random-resized-crop';
import { editPixels } from './pixels';
import { checkImages, checkNumber, checkProbability, checkRange, mergeOptions, type Range } from './validate-options';

/** Options of {@link randomErasing}. */
export interface RandomErasingOptions {
  /** Probability that an image gets an erased rectangle. Default 0.5. */
  p: number;
  /** Range of the rectangle's area as a fraction of the image's area. Default [0.02, 0.33]. */
  scale: Range;
  /** Range of the rectangle's aspect ratio height / width, sampled log-uniformly. Default [0.3, 3.3]. */
  ratio: Range;
  /** Value written into the rectangle, in [0, 1]. Default 0. */
  value: number;
}

/** Defaults of {@link randomErasing}: torchvision's `RandomErasing`. */
export const defaultRandomErasingOptions: RandomErasingOptions = { p: 0.5, scale: [0.02, 0.33], ratio: [0.3, 3.3], value: 0 };

/**
 * Draws the rectangle to erase in a `height x width` image as torchvision's
 * `RandomErasing.get_params`: up to 10 tries of an area fraction uniform in `scale` and a
 * log-uniform ratio, rounded, kept when strictly smaller than the image, at a uniform position;
 * `null` when all 10 tries miss.
 */
export function sampleErasingBox(height: number, width: number, scale: Range, ratio: Range, rng: Rng): CropBox | null {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const eraseArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const h = Math.round(Math.sqrt(eraseArea * aspect));
    const w = Math.round(Math.sqrt(eraseArea / aspect));
    if (h > 0 && w > 0 && h < height && w < width) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  return null;
}

/**
 * Random erasing (cutout) on `[batch, h, w, c]`: each image with probability `p` gets one
 * rectangle, in all channels, set to `value`. Draws per image in image order: a coin, then
 * {@link sampleErasingBox}'s draws. Other pixels stay bit-exact.
 */
export function randomErasing(options: Partial<RandomErasingOptions> = {}): Augmentation {
  const where = 'randomErasing';
  const o = mergeOptions(defaultRandomErasingOptions, options, `${where}: options`);
  const p = checkProbability(o.p, `${where}: options.p`);
  const scale = checkRange(o.scale, `${where}: options.scale`, { positive: true, max: 1 });
  const ratio = checkRange(o.ratio, `${where}: options.ratio`, { positive: true });
  const value = checkNumber(o.value, `${where}: options.value`, 0, 1);
  return (images, rng) => {
    checkImages(images, where);
    const [batch, height, width, channels] = images.shape;
    const boxes: [number, CropBox][] = [];
    for (let i = 0; i < batch; i++) {
      if (!(rng.next() < p)) continue;
      const box = sampleErasingBox(height, width, scale, ratio, rng);
      if (box !== null) boxes.push([i, box]);
    }
    if (boxes.length === 0) return images.clone();
    return editPixels(images, (out, _src, size) => {
      for (const [i, box] of boxes) {
        for (let y = box.top; y < box.top + box.height; y++) {
          const start = i * size + (y * width + box.left) * channels;
          out.fill(value, start, start + box.width * channels);
        }
      }
    });
  };
}
