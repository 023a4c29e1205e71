import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { fillModes, warpBilinear, type FillMode } from './warp-bilinear';
import { checkImages, checkNumber, checkRange, describe, mergeOptions, type Range } from './validate-options';

/** Options of {@link randomAffine}. Every range is `[lo, hi]`; `[v, v]` fixes the value. */
export interface RandomAffineOptions {
  /** Rotation in degrees, positive = counter-clockwise as displayed. Default [-15, 15]. */
  rotation: Range;
  /** Horizontal shift as a fraction of the width, positive = right. Default [-0.1, 0.1]. */
  translateX: Range;
  /** Vertical shift as a fraction of the height, positive = down. Default [-0.1, 0.1]. */
  translateY: Range;
  /** Zoom factor; above 1 magnifies (crops the borders away), below 1 shrinks. Default [0.9, 1.1]. */
  scale: Range;
  /** Horizontal shear in degrees (x += tan(angle) * y). Default [0, 0]. */
  shearX: Range;
  /** Vertical shear in degrees (y += tan(angle) * x). Default [0, 0]. */
  shearY: Range;
  /** Fill for pixels that come from outside the image. Default 'constant'. */
  fillMode: FillMode;
  /** Value of those pixels for fillMode 'constant', in [0, 1]. Default 0 (black). */
  fillValue: number;
}

/** Defaults of {@link randomAffine}. */
export const defaultRandomAffineOptions: RandomAffineOptions = {
  rotation: [-15, 15],
  translateX: [-0.1, 0.1],
  translateY: [-0.1, 0.1],
  scale: [0.9, 1.1],
  shearX: [0, 0],
  shearY: [0, 0],
  fillMode: 'constant',
  fillValue: 0,
};

/** The parameters of one image's affine map (see {@link RandomAffineOptions} for units). */
export interface AffineParams {
  rotation: number;
  translateX: number;
  translateY: number;
  scale: number;
  shearX: number;
  shearY: number;
}

const degrees = Math.PI / 180;

/**
 * The coefficients `[a0, a1, a2, b0, b1, b2]` that map an output pixel `(x, y)` (column, row)
 * to the input point `(a0 x + a1 y + a2, b0 x + b1 y + b2)` it samples (the first six of
 * tf.image.transform's eight). The forward map about the centre `c = ((w-1)/2, (h-1)/2)` is
 * `out = c + t + R(rotation) Shear S(scale) (in - c)`; these describe its inverse.
 */
export function affineCoefficients(params: AffineParams, height: number, width: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(params.rotation * degrees);
  const sin = Math.sin(params.rotation * degrees);
  const shx = Math.tan(params.shearX * degrees);
  const shy = Math.tan(params.shearY * degrees);
  const s = params.scale;
  // Forward linear part M = R * Shear * s, with R = [[cos, sin], [-sin, cos]] in (x right, y down).
  const m00 = s * (cos + sin * shy);
  const m01 = s * (cos * shx + sin);
  const m10 = s * (-sin + cos * shy);
  const m11 = s * (-sin * shx + cos);
  const det = m00 * m11 - m01 * m10;
  if (!(Math.abs(det) > 1e-12)) {
    throw new InputError('affineCoefficients: params', 'an invertible map (shear angles not cancelling, scale > 0)', describe(params));
  }
  const i00 = m11 / det;
  const i01 = -m01 / det;
  const i10 = -m10 / det;
  const i11 = m00 / det;
  const ox = cx + params.translateX * width;
  const oy = cy + params.translateY * height;
  return [i00, i01, cx - i00 * ox - i01 * oy, i10, i11, cy - i10 * ox - i11 * oy];
}

/**
 * Warps each image of `[batch, h, w, c]` by its own affine map with bilinear sampling (see
 * {@link affineCoefficients}); pixels from outside follow `fillMode` / `fillValue`. Zero
 * rotation, translation and shear with scale 1 give the exact identity.
 */
export function applyAffine(
  images: tf.Tensor4D,
  params: readonly AffineParams[],
  options: { fillMode?: FillMode; fillValue?: number } = {},
): tf.Tensor4D {
  const [batch, height, width] = images.shape;
  if (params.length !== batch) {
    throw new InputError('applyAffine: params', `${batch} parameter sets (one per image)`, `${params.length}`);
  }
  const coefficients = new Float64Array(batch * 6);
  params.forEach((p, i) => coefficients.set(affineCoefficients(p, height, width), 6 * i));
  return warpBilinear(images, params.map((_, i) => i), coefficients, options.fillMode ?? 'constant', options.fillValue ?? 0);
}

/**
 * Random affine warp (rotation, translation, zoom, shear; torchvision's `RandomAffine` with
 * bilinear sampling). For each image of `[batch, h, w, c]` in image order draws, uniformly in
 * their ranges: rotation, translateX, translateY, scale, shearX, shearY (6 draws per image).
 */
export function randomAffine(options: Partial<RandomAffineOptions> = {}): Augmentation {
  const where = 'randomAffine';
  const o = mergeOptions(defaultRandomAffineOptions, options, `${where}: options`);
  const rotation = checkRange(o.rotation, `${where}: options.rotation`, { min: -360, max: 360 });
  const translateX = checkRange(o.translateX, `${where}: options.translateX`, { min: -1, max: 1 });
  const translateY = checkRange(o.translateY, `${where}: options.translateY`, { min: -1, max: 1 });
  const scale = checkRange(o.scale, `${where}: options.scale`, { positive: true });
  const shearX = checkRange(o.shearX, `${where}: options.shearX`, { min: -80, max: 80 });
  const shearY = checkRange(o.shearY, `${where}: options.shearY`, { min: -80, max: 80 });
  if (!fillModes.includes(o.fillMode)) {
    throw new InputError(`${where}: options.fillMode`, `one of ${fillModes.join(', ')}`, describe(o.fillMode));
  }
  const fillValue = checkNumber(o.fillValue, `${where}: options.fillValue`, 0, 1);
  const fillMode = o.fillMode;
  return (images, rng) => {
    checkImages(images, where);
    const params: AffineParams[] = [];
    for (let i = 0; i < images.shape[0]; i++) {
      params.push({
        rotation: rng.uniform(rotation[0], rotation[1]),
        translateX: rng.uniform(translateX[0], translateX[1]),
        translateY: rng.uniform(translateY[0], translateY[1]),
        scale: rng.uniform(scale[0], scale[1]),
        shearX: rng.uniform(shearX[0], shearX[1]),
        shearY: rng.uniform(shearY[0], shearY[1]),
      });
    }
    return applyAffine(images, params, { fillMode, fillValue });
  };
}
