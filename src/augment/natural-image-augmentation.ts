import type { Augmentation } from './augmentation';
import { colorJitter, defaultColorJitterOptions, type ColorJitterOptions } from './color-jitter';
import { compose } from './compose';
import { defaultGaussianBlurOptions, gaussianBlur, type GaussianBlurOptions } from './gaussian-blur';
import { defaultHorizontalFlipOptions, horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip';
import { defaultRandomGrayscaleOptions, randomGrayscale, type RandomGrayscaleOptions } from './random-grayscale';
import { defaultRandomResizedCropOptions, randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop';
import { mergeOptions, mergeStage } from './validate-options';

/**
 * Options of {@link naturalImageAugmentation}. Each stage is the options of its operation
 * (merged over this preset's defaults) or `null` to leave the stage out.
 */
export interface NaturalImageAugmentationOptions {
  /** Random resized crop, scale [0.08, 1], ratio [3/4, 4/3]. */
  crop: Partial<RandomResizedCropOptions> | null;
  /** Horizontal flip, p 0.5. */
  flip: Partial<HorizontalFlipOptions> | null;
  /** Colour jitter (0.8, 0.8, 0.8, 0.2) applied with p 0.8. */
  colorJitter: Partial<ColorJitterOptions> | null;
  /** Random grayscale, p 0.2. */
  grayscale: Partial<RandomGrayscaleOptions> | null;
  /** Gaussian blur (SimCLR's ImageNet recipe; not in the paper's CIFAR scoring set). Default null. */
  blur: Partial<GaussianBlurOptions> | null;
}

/** Defaults of {@link naturalImageAugmentation}: the official code's scoring augmentations. */
export const defaultNaturalImageAugmentationOptions: NaturalImageAugmentationOptions = {
  crop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
  flip: { p: 0.5 },
  colorJitter: { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 0.8 },
  grayscale: { p: 0.2 },
  blur: null,
};

/**
 * Augmentation preset for natural images (CIFAR-like, `[batch, 32, 32, 3]`), SimCLR style and the
 * paper's scoring set (official code): random resized crop, horizontal flip, colour jitter
 * (0.8, 0.8, 0.8, 0.2) with p 0.8, grayscale with p 0.2, then the optional blur. On one-channel
 * images jitter reduces to brightness/contrast and grayscale changes nothing.
 */
export function naturalImageAugmentation(options: Partial<NaturalImageAugmentationOptions> = {}): Augmentation {
  const where = 'naturalImageAugmentation: options';
  const d = defaultNaturalImageAugmentationOptions;
  const o = mergeOptions(
    { crop: undefined, flip: undefined, colorJitter: undefined, grayscale: undefined, blur: undefined } as Record<keyof NaturalImageAugmentationOptions, unknown>,
    options,
    where,
  );
  const crop = mergeStage(defaultRandomResizedCropOptions, d.crop, o.crop, `${where}.crop`);
  const flip = mergeStage(defaultHorizontalFlipOptions, d.flip, o.flip, `${where}.flip`);
  const jitter = mergeStage(defaultColorJitterOptions, d.colorJitter, o.colorJitter, `${where}.colorJitter`);
  const grayscale = mergeStage(defaultRandomGrayscaleOptions, d.grayscale, o.grayscale, `${where}.grayscale`);
  const blur = mergeStage(defaultGaussianBlurOptions, d.blur, o.blur, `${where}.blur`);
  const steps: Augmentation[] = [];
  if (crop !== null) steps.push(randomResizedCrop(crop));
  if (flip !== null) steps.push(horizontalFlip(flip));
  if (jitter !== null) steps.push(colorJitter(jitter));
  if (grayscale !== null) steps.push(randomGrayscale(grayscale));
  if (blur !== null) steps.push(gaussianBlur(blur));
  return compose(steps);
}
