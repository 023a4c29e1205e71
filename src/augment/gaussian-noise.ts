import { nativeProducts } from '../backend/native/native-blas';
import { nativeNormalPairs, normalPairsPerChunk } from '../backend/native/normal-pairs';
import { createRng, type Rng } from '../util/rng';
import type { Augmentation } from './augmentation';
import { drawSelection } from './draw-selection';
import { editPixels } from './pixels';
import { checkBoolean, checkImages, checkNumber, checkProbability, mergeOptions } from './validate-options';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Standard deviation of the added noise (pixel values are in [0, 1]). Default 0.05. */
  std: number;
  /** Probability that an image gets noise. Default 1. */
  p: number;
  /** Clip the result to [0, 1] (keeps the augmentation contract; lowers the std near 0 and 1). Default true. */
  clip: boolean;
}

/** Defaults of {@link gaussianNoise}. */
export const defaultGaussianNoiseOptions: GaussianNoiseOptions = { std: 0.05, p: 1, clip: true };

/**
 * Fills `out` with independent standard normal draws from `rng` (Marsaglia's polar method: two
 * normals per accepted pair of uniforms; faster than Box-Muller, no sin/cos).
 */
export function fillStandardNormal(out: Float64Array | Float32Array, rng: Rng): void {
  for (let j = 0; j < out.length; j += 2) {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * rng.next() - 1;
      v = 2 * rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    out[j] = u * factor;
    if (j + 1 < out.length) out[j + 1] = v * factor;
  }
}

/**
 * The loop of `gaussianNoise` through the native binding, with the same bits, or false where
 * the binding is not in use: the binding draws the polar method's accepted pairs and their
 * factors from `noise` (`nativeNormalPairs`) and adds std u factor, std v factor to the pixels.
 * Chunks of whole images draw the stream in order (images of more values than a chunk holds:
 * the loop in JavaScript).
 */
function addNoiseNatively(out: Float32Array, src: Float32Array, size: number, selected: readonly number[], noise: Rng, std: number, clip: boolean): boolean {
  const addNoise = nativeProducts()?.addNoise;
  const perImage = Math.ceil(size / 2);
  if (addNoise === undefined || perImage > normalPairsPerChunk) return false; // images of over 262144 values: in JavaScript
  const imagesPerChunk = Math.max(1, Math.floor(normalPairsPerChunk / perImage));
  for (let first = 0; first < selected.length; first += imagesPerChunk) {
    const chunk = Int32Array.from(selected.slice(first, first + imagesPerChunk));
    const pairs = nativeNormalPairs(noise, chunk.length * perImage);
    if (pairs === null) return false; // only before the first chunk: the binding does not come and go
    addNoise(src, out, chunk, size, std, clip, pairs.uv, pairs.factors);
  }
  return true;
}

/**
 * Adds independent Gaussian noise `N(0, std^2)` to every value of the chosen images of
 * `[batch, h, w, c]`. Draws: one coin per image in image order, then one `rng.uint32()` that
 * seeds the generator of all the noise values (`createRng`, polar-method normals, chosen
 * images in order). Unchosen images are returned bit-exact. Plain loops, or the same
 * arithmetic partly in the native binding's C where it is in use.
 */
export function gaussianNoise(options: Partial<GaussianNoiseOptions> = {}): Augmentation {
  const where = 'gaussianNoise';
  const o = mergeOptions(defaultGaussianNoiseOptions, options, `${where}: options`);
  const std = checkNumber(o.std, `${where}: options.std`, 0);
  const p = checkProbability(o.p, `${where}: options.p`);
  const clip = checkBoolean(o.clip, `${where}: options.clip`);
  return (images, rng) => {
    checkImages(images, where);
    const selected = drawSelection(images.shape[0], p, rng);
    const noise = createRng(rng.uint32());
    if (selected.length === 0 || std === 0) return images.clone();
    return editPixels(images, (out, src, size) => {
      if (addNoiseNatively(out, src, size, selected, noise, std, clip)) return;
      const normals = new Float64Array(size);
      for (const i of selected) {
        fillStandardNormal(normals, noise);
        const base = i * size;
        for (let j = 0; j < size; j++) {
          const v = src[base + j] + std * normals[j];
          out[base + j] = clip ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
        }
      }
    });
  };
}
