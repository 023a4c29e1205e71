import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { colorJitter, type ColorJitterOptions } from './color-jitter';
import { compose } from './compose';
import { digitAugmentation, type DigitAugmentationOptions } from './digit-augmentation';
import { gaussianBlur, type GaussianBlurOptions } from './gaussian-blur';
import { gaussianNoise, type GaussianNoiseOptions } from './gaussian-noise';
import { horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip';
import { identity } from './identity';
import { naturalImageAugmentation, type NaturalImageAugmentationOptions } from './natural-image-augmentation';
import { randomAffine, type RandomAffineOptions } from './random-affine';
import { randomErasing, type RandomErasingOptions } from './random-erasing';
import { randomGrayscale, type RandomGrayscaleOptions } from './random-grayscale';
import { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop';
import { describe } from './validate-options';

/** Options of each operation that a `pipeline` config can name. */
export interface AugmentationOpOptions {
  randomResizedCrop: RandomResizedCropOptions;
  randomAffine: RandomAffineOptions;
  horizontalFlip: HorizontalFlipOptions;
  colorJitter: ColorJitterOptions;
  randomGrayscale: RandomGrayscaleOptions;
  gaussianBlur: GaussianBlurOptions;
  gaussianNoise: GaussianNoiseOptions;
  randomErasing: RandomErasingOptions;
}

/** Name of an operation in {@link augmentationOps}. */
export type AugmentationOpName = keyof AugmentationOpOptions;

/** One step of a `pipeline` config: the operation's name and its options, e.g. `{ op: 'gaussianBlur', p: 0.5 }`. */
export type AugmentationStep = {
  [K in AugmentationOpName]: { op: K } & Partial<AugmentationOpOptions[K]>;
}[AugmentationOpName];

/** The operations a `pipeline` config can name: a literal registry of the factories. */
export const augmentationOps: { [K in AugmentationOpName]: (options: Partial<AugmentationOpOptions[K]>) => Augmentation } = {
  randomResizedCrop,
  randomAffine,
  horizontalFlip,
  colorJitter,
  randomGrayscale,
  gaussianBlur,
  gaussianNoise,
  randomErasing,
};

/**
 * An augmentation stored as JSON: a preset with overrides of its stages, no augmentation, or an
 * explicit list of steps. Examples: `{ preset: 'digits' }`,
 * `{ preset: 'natural', colorJitter: { p: 0.5 }, blur: { kernelSize: 3 } }`,
 * `{ preset: 'pipeline', steps: [{ op: 'randomAffine', rotation: [-10, 10] }, { op: 'gaussianNoise', std: 0.1 }] }`.
 */
export type AugmentationConfig =
  | ({ preset: 'digits' } & Partial<DigitAugmentationOptions>)
  | ({ preset: 'natural' } & Partial<NaturalImageAugmentationOptions>)
  | { preset: 'none' }
  | { preset: 'pipeline'; steps: AugmentationStep[] };

/** Name of a preset in {@link augmentationPresets}. */
export type AugmentationPresetName = AugmentationConfig['preset'];

function pipeline(overrides: Record<string, unknown>): Augmentation {
  const where = 'augmentationFromConfig: config';
  for (const key of Object.keys(overrides)) {
    if (key !== 'steps') throw new InputError(`${where}.${key}`, 'only the field steps for preset pipeline', 'an unknown field');
  }
  const steps = overrides.steps;
  if (!Array.isArray(steps)) throw new InputError(`${where}.steps`, 'an array of steps { op, ...options }', describe(steps));
  return compose(
    steps.map((step: unknown, i) => {
      if (step === null || typeof step !== 'object' || Array.isArray(step)) {
        throw new InputError(`${where}.steps[${i}]`, 'an object { op, ...options }', describe(step));
      }
      const { op, ...options } = step as Record<string, unknown>;
      if (typeof op !== 'string' || !Object.prototype.hasOwnProperty.call(augmentationOps, op)) {
        throw new InputError(`${where}.steps[${i}].op`, `one of ${Object.keys(augmentationOps).join(', ')}`, describe(op));
      }
      return (augmentationOps[op as AugmentationOpName] as (o: object) => Augmentation)(options);
    }),
  );
}

/** The presets a config can name, a literal registry: each takes the config's other fields. */
export const augmentationPresets: Record<AugmentationPresetName, (overrides: Record<string, unknown>) => Augmentation> = {
  digits: (overrides) => digitAugmentation(overrides),
  natural: (overrides) => naturalImageAugmentation(overrides),
  none: (overrides) => {
    const extra = Object.keys(overrides);
    if (extra.length > 0) throw new InputError(`augmentationFromConfig: config.${extra[0]}`, 'no other fields for preset none', 'an unknown field');
    return identity;
  },
  pipeline,
};

/**
 * Builds an augmentation from its JSON form (see {@link AugmentationConfig}); every option is
 * validated, unknown fields and operation names included, with an `InputError` naming the field.
 */
export function augmentationFromConfig(config: AugmentationConfig): Augmentation {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new InputError('augmentationFromConfig: config', 'an object { preset, ...overrides }', describe(config));
  }
  const { preset, ...overrides } = config as { preset: unknown } & Record<string, unknown>;
  if (typeof preset !== 'string' || !Object.prototype.hasOwnProperty.call(augmentationPresets, preset)) {
    throw new InputError('augmentationFromConfig: config.preset', `one of ${Object.keys(augmentationPresets).join(', ')}`, describe(preset));
  }
  return augmentationPresets[preset as AugmentationPresetName](overrides);
}
