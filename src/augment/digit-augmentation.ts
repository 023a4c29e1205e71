import type { Augmentation } from './augmentation';
import { compose } from './compose';
import { defaultGaussianNoiseOptions, gaussianNoise, type GaussianNoiseOptions } from './gaussian-noise';
import { defaultRandomAffineOptions, randomAffine, type RandomAffineOptions } from './random-affine';
import { defaultRandomResizedCropOptions, randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop';
import { mergeOptions, mergeStage } from './validate-options';

/**
 * Options of {@link digitAugmentation}. Each stage is the options of its operation (merged over
 * this preset's defaults; fields left out keep them) or `null` to leave the stage out.
 */
export interface DigitAugmentationOptions {
  /** A random resized crop before the warp. Default null (the warp's zoom above 1 already crops). */
  crop: Partial<RandomResizedCropOptions> | null;
  /** The affine warp: rotation ±15°, shift ±10%, zoom 0.9-1.25 (zoom > 1 = crop), no shear, black fill. */
  affine: Partial<RandomAffineOptions> | null;
  /** Additive Gaussian noise: std 0.05 on every image, clipped to [0, 1]. */
  noise: Partial<GaussianNoiseOptions> | null;
}

/** Defaults of {@link digitAugmentation}. */
export const defaultDigitAugmentationOptions: DigitAugmentationOptions = {
  crop: null,
  affine: {
    rotation: [-15, 15],
    translateX: [-0.1, 0.1],
    translateY: [-0.1, 0.1],
    scale: [0.9, 1.25],
    shearX: [0, 0],
    shearY: [0, 0],
    fillMode: 'constant',
    fillValue: 0,
  },
  noise: { std: 0.05, p: 1, clip: true },
};

/**
 * Augmentation preset for digits and other small grey images (MNIST-like, `[batch, 28, 28, 1]`):
 * optional crop, then one affine warp (crop by zoom, rotate, translate), then Gaussian noise.
 * No horizontal flip: mirrored digits are not digits. The same family as a PyTorch pilot on
 * MNIST that preceded this library (affine crop/rotate/translate + noise).
 */
export function digitAugmentation(options: Partial<DigitAugmentationOptions> = {}): Augmentation {
  const where = 'digitAugmentation: options';
  const d = defaultDigitAugmentationOptions;
  const o = mergeOptions({ crop: undefined, affine: undefined, noise: undefined } as Record<keyof DigitAugmentationOptions, unknown>, options, where);
  const crop = mergeStage(defaultRandomResizedCropOptions, d.crop, o.crop, `${where}.crop`);
  const affine = mergeStage(defaultRandomAffineOptions, d.affine, o.affine, `${where}.affine`);
  const noise = mergeStage(defaultGaussianNoiseOptions, d.noise, o.noise, `${where}.noise`);
  const steps: Augmentation[] = [];
  if (crop !== null) steps.push(randomResizedCrop(crop));
  if (affine !== null) steps.push(randomAffine(affine));
  if (noise !== null) steps.push(gaussianNoise(noise));
  return compose(steps);
}
