// Re-exports only: the public API of augment/.
export type { Augmentation } from './augmentation';
export { identity } from './identity';
export { compose } from './compose';
export { randomApply } from './random-apply';
export { multiView } from './multi-view';
export { augmentEach } from './augment-each';
export {
  randomResizedCrop,
  defaultRandomResizedCropOptions,
  sampleCropBox,
  cropAndResizeBoxes,
  type RandomResizedCropOptions,
  type CropBox,
} from './random-resized-crop';
export {
  randomAffine,
  defaultRandomAffineOptions,
  applyAffine,
  affineCoefficients,
  type RandomAffineOptions,
  type AffineParams,
} from './random-affine';
export type { FillMode } from './warp-bilinear';
export { horizontalFlip, defaultHorizontalFlipOptions, flipSelected, type HorizontalFlipOptions } from './horizontal-flip';
export {
  colorJitter,
  defaultColorJitterOptions,
  adjustColors,
  type ColorJitterOptions,
  type ColorJitterParams,
} from './color-jitter';
export {
  randomGrayscale,
  defaultRandomGrayscaleOptions,
  grayscaleSelected,
  lumaWeights,
  type RandomGrayscaleOptions,
} from './random-grayscale';
export {
  gaussianBlur,
  defaultGaussianBlurOptions,
  blurImages,
  gaussianKernel,
  type GaussianBlurOptions,
} from './gaussian-blur';
export { gaussianNoise, defaultGaussianNoiseOptions, type GaussianNoiseOptions } from './gaussian-noise';
export {
  randomErasing,
  defaultRandomErasingOptions,
  sampleErasingBox,
  type RandomErasingOptions,
} from './random-erasing';
export { digitAugmentation, defaultDigitAugmentationOptions, type DigitAugmentationOptions } from './digit-augmentation';
export {
  naturalImageAugmentation,
  defaultNaturalImageAugmentationOptions,
  type NaturalImageAugmentationOptions,
} from './natural-image-augmentation';
export {
  augmentationFromConfig,
  augmentationPresets,
  augmentationOps,
  type AugmentationConfig,
  type AugmentationPresetName,
  type AugmentationStep,
  type AugmentationOpName,
  type AugmentationOpOptions,
} from './augmentation-from-config';
