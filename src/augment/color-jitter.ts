import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { lumaWeights } from './random-grayscale';
import { clamp01, editPixels } from './pixels';
import { checkImages, checkNumber, checkProbability, checkRange, mergeOptions, type Range } from './validate-options';

/**
 * Options of {@link colorJitter}, as torchvision's `ColorJitter`: a number `v` for
 * brightness/contrast/saturation means the factor range `[max(0, 1 - v), 1 + v]`, for hue the
 * shift range `[-v, v]` (in turns, `v <= 0.5`); a `[lo, hi]` pair gives the range itself.
 */
export interface ColorJitterOptions {
  /** Brightness factor (multiplies the pixels). Default 0.8. */
  brightness: number | Range;
  /** Contrast factor (blends with the image's mean grey level). Default 0.8. */
  contrast: number | Range;
  /** Saturation factor (blends with each pixel's grey level; RGB only). Default 0.8. */
  saturation: number | Range;
  /** Hue shift in turns (rotates the HSV hue; RGB only). Default 0.2. */
  hue: number | Range;
  /** Probability that an image is jittered at all. Default 0.8. */
  p: number;
}

/** Defaults of {@link colorJitter}: the paper's scoring set, `ColorJitter(0.8, 0.8, 0.8, 0.2)` with p 0.8. */
export const defaultColorJitterOptions: ColorJitterOptions = {
  brightness: 0.8,
  contrast: 0.8,
  saturation: 0.8,
  hue: 0.2,
  p: 0.8,
};

/** One image's jitter: factors (1 = unchanged) and a hue shift in turns (0 = unchanged). */
export interface ColorJitterParams {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

function factorRange(value: unknown, where: string): Range {
  if (typeof value === 'number') {
    const v = checkNumber(value, where, 0);
    return [Math.max(0, 1 - v), 1 + v];
  }
  return checkRange(value, where, { min: 0 });
}

function hueRange(value: unknown, where: string): Range {
  if (typeof value === 'number') {
    const v = checkNumber(value, where, 0, 0.5);
    return [-v, v];
  }
  return checkRange(value, where, { min: -0.5, max: 0.5 });
}

/**
 * Moves the HSV hue of one RGB pixel `values[j .. j + 2]` by `offset` sixths of a turn
 * (`offset` in [0, 6)), keeping value (max) and chroma (max - min); grey pixels stay.
 */
function shiftHueAt(values: Float32Array, j: number, offset: number): void {
  const r = values[j];
  const g = values[j + 1];
  const b = values[j + 2];
  const max = r >= g ? (r >= b ? r : b) : g >= b ? g : b;
  const min = r <= g ? (r <= b ? r : b) : g <= b ? g : b;
  const chroma = max - min;
  if (chroma === 0) return;
  // Hue in sixths of a turn from the largest channel (r before g before b on ties), moved into [0, 6).
  let hue6 = (max === r ? (g - b) / chroma : max === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4) + offset;
  if (hue6 < 0) hue6 += 6;
  if (hue6 >= 6) hue6 -= 6;
  if (hue6 >= 6) hue6 -= 6;
  // HSV -> RGB without sector branches: channel n in (5, 3, 1) is
  // max - chroma * clamp(min(k, 4 - k), 0, 1) with k = (n + hue6) mod 6.
  values[j] = max - chroma * hueRamp(5 + hue6);
  values[j + 1] = max - chroma * hueRamp(3 + hue6);
  values[j + 2] = max - chroma * hueRamp(1 + hue6);
}

function hueRamp(k: number): number {
  if (k >= 6) k -= 6;
  const ramp = k < 4 - k ? k : 4 - k;
  return ramp <= 0 ? 0 : ramp >= 1 ? 1 : ramp;
}

/** Applies one image's jitter in place to `values[from .. to)` (`channels` 1 or 3), in the order of {@link adjustColors}. */
function jitterInPlace(values: Float32Array, from: number, to: number, channels: number, p: ColorJitterParams): void {
  const [wr, wg, wb] = lumaWeights;
  const { brightness, contrast, saturation, hue } = p;
  // Pass 1: brightness, and the mean grey level it leaves (for contrast).
  let total = 0;
  if (channels === 1) {
    for (let j = from; j < to; j++) {
      const v = clamp01(values[j] * brightness);
      values[j] = v;
      total += v;
    }
  } else {
    for (let j = from; j < to; j += 3) {
      const r = clamp01(values[j] * brightness);
      const g = clamp01(values[j + 1] * brightness);
      const b = clamp01(values[j + 2] * brightness);
      values[j] = r;
      values[j + 1] = g;
      values[j + 2] = b;
      total += wr * r + wg * g + wb * b;
    }
  }
  const toward = (1 - contrast) * ((total * channels) / (to - from));
  // Pass 2, per pixel: contrast, then saturation (blend with the pixel's grey), then hue.
  if (channels === 1) {
    for (let j = from; j < to; j++) values[j] = clamp01(contrast * values[j] + toward);
    return;
  }
  const saturationKeep = 1 - saturation;
  const offset = 6 * (hue - Math.floor(hue));
  for (let j = from; j < to; j += 3) {
    const r = clamp01(contrast * values[j] + toward);
    const g = clamp01(contrast * values[j + 1] + toward);
    const b = clamp01(contrast * values[j + 2] + toward);
    const gray = saturationKeep * (wr * r + wg * g + wb * b);
    values[j] = clamp01(saturation * r + gray);
    values[j + 1] = clamp01(saturation * g + gray);
    values[j + 2] = clamp01(saturation * b + gray);
    if (hue !== 0) shiftHueAt(values, j, offset);
  }
}

function jitterSelected(images: tf.Tensor4D, selected: readonly number[], params: readonly ColorJitterParams[]): tf.Tensor4D {
  const channels = images.shape[3];
  return editPixels(images, (out, _src, size) => {
    selected.forEach((i, k) => jitterInPlace(out, i * size, (i + 1) * size, channels, params[k]));
  });
}

/**
 * Applies per-image colour changes to `[batch, h, w, c]` (c = 1 or 3) in a fixed order, as
 * torchvision's functional ops, clipping to [0, 1] after each step: brightness `x * b`;
 * contrast, a blend with the image's mean grey level `c x + (1 - c) mean`; saturation, a blend
 * with the pixel's grey level; hue, a rotation of the HSV hue by `hue` turns. On one-channel
 * images saturation and hue are ignored. Factors 1 and hue 0 give the exact identity.
 */
export function adjustColors(images: tf.Tensor4D, params: readonly ColorJitterParams[]): tf.Tensor4D {
  const [batch, , , channels] = images.shape;
  if (channels !== 1 && channels !== 3) throw new InputError('adjustColors: images', '1 or 3 channels', `shape [${images.shape}]`);
  if (params.length !== batch) throw new InputError('adjustColors: params', `${batch} parameter sets (one per image)`, `${params.length}`);
  return jitterSelected(images, params.map((_, i) => i), params);
}

/**
 * Colour jitter (torchvision's `ColorJitter` wrapped in `RandomApply(p)`) on `[batch, h, w, c]`,
 * c = 1 or 3. Draws per image in image order: a coin (`< p`), then for a jittered image its
 * brightness, contrast, saturation and hue (4 draws, also on one-channel images, where only
 * brightness and contrast apply). Differs from torchvision in one point: the four steps run
 * in the fixed order brightness, contrast, saturation, hue rather than a random order per image.
 */
export function colorJitter(options: Partial<ColorJitterOptions> = {}): Augmentation {
  const where = 'colorJitter';
  const o = mergeOptions(defaultColorJitterOptions, options, `${where}: options`);
  const brightness = factorRange(o.brightness, `${where}: options.brightness`);
  const contrast = factorRange(o.contrast, `${where}: options.contrast`);
  const saturation = factorRange(o.saturation, `${where}: options.saturation`);
  const hue = hueRange(o.hue, `${where}: options.hue`);
  const p = checkProbability(o.p, `${where}: options.p`);
  return (images, rng) => {
    checkImages(images, where, [1, 3]);
    const selected: number[] = [];
    const params: ColorJitterParams[] = [];
    for (let i = 0; i < images.shape[0]; i++) {
      if (!(rng.next() < p)) continue;
      selected.push(i);
      params.push({
        brightness: rng.uniform(brightness[0], brightness[1]),
        contrast: rng.uniform(contrast[0], contrast[1]),
        saturation: rng.uniform(saturation[0], saturation[1]),
        hue: rng.uniform(hue[0], hue[1]),
      });
    }
    if (selected.length === 0) return images.clone();
    return jitterSelected(images, selected, params);
  };
}
