import type { AugmentationConfig } from '../augment/augmentation-from-config';
import type { DatasetName } from '../data/load-dataset';
import type { SplitFractions } from '../data/splits';
import type { AlignmentMode } from '../memorization/alignment-loss';
import type { ObjectiveConfig } from '../objectives/objective';
import type { OptimizerConfig } from '../train/optimizer';
import { InputError } from '../util/errors';

/**
 * Everything that determines an SSLMem experiment, as literal JSON values: the data and
 * its four sets, the encoder, the SSL objective, the augmentations, training, the seeds
 * (one f and one g per seed), scoring and the linear probe. A preset is one of these;
 * a what-if experiment is a preset with a few fields changed (`withOverrides`).
 */
export interface ExperimentConfig {
  /** Name shown in reports, e.g. `quick`. */
  readonly name: string;
  readonly dataset: { readonly name: DatasetName; readonly dir?: string };
  /** The four sets (see `splitSets`); `trainSize` images of the train split are used. */
  readonly split: {
    readonly trainSize: number;
    readonly fractions: SplitFractions;
    readonly extraSize: number;
    readonly stratified: boolean;
    readonly seed: number;
  };
  /** Encoder config without `inputShape` (taken from the dataset) and `seed` (from `seeds`). */
  readonly encoder: { readonly kind: string; readonly [field: string]: unknown };
  readonly objective: ObjectiveConfig;
  /** Augmentation of the training views. */
  readonly augment: AugmentationConfig;
  readonly train: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly optimizer: OptimizerConfig;
    readonly lr: number;
    readonly schedule: 'constant' | 'cosine';
    readonly warmupEpochs: number;
    /** Epochs (1-based) at which a checkpoint is kept besides the last one. */
    readonly checkpointEpochs: readonly number[];
  };
  /** Training seeds: f and g of seed s share the initialisation and batch-order seed s. */
  readonly seeds: readonly number[];
  /** How SSLMem is measured. */
  readonly score: {
    /** Pairs of augmented views per point. */
    readonly pairs: number;
    readonly normalize: boolean;
    readonly mode: AlignmentMode;
    /** `representation` (encoder output, default) or `projection` (projector output). */
    readonly on: 'representation' | 'projection';
    readonly batchSize: number;
    readonly seed: number;
    /** Augmentation of the scoring views; default: the training augmentation. */
    readonly augment?: AugmentationConfig;
  };
  /** Linear probe on frozen representations: train on `trainSize` train images, test on `testSize` test images. */
  readonly probe: { readonly trainSize: number; readonly testSize: number; readonly epochs: number; readonly seed: number };
}

/** Which side of the SSLMem estimate an encoder is: f saw `S_C`, g saw `S_I`. */
export type Side = 'f' | 'g';

type Json = unknown;

function mergeJson(base: Json, patch: Json, where: string): Json {
  if (patch === undefined) return base;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return patch;
  const out: Record<string, Json> = { ...(base as Record<string, Json>) };
  for (const [k, v] of Object.entries(patch)) out[k] = mergeJson(out[k], v, `${where}.${k}`);
  return out;
}

/** Deep partial of a config, for overrides. */
export type ConfigOverrides = { readonly [K in keyof ExperimentConfig]?: unknown };

/**
 * A copy of `config` with `overrides` merged in (objects merge field by field, arrays and
 * values replace), validated. Example: `withOverrides(preset('quick'), { train: { epochs: 50 } })`.
 */
export function withOverrides(config: ExperimentConfig, overrides: ConfigOverrides): ExperimentConfig {
  return validateExperimentConfig(mergeJson(config, overrides, 'config') as ExperimentConfig);
}

function positiveInt(v: unknown, where: string, min = 1): void {
  if (!(Number.isInteger(v) && (v as number) >= min)) throw new InputError(where, `an integer >= ${min}`, JSON.stringify(v));
}

/**
 * Checks the fields that the experiment layer itself uses (the parts' own factories check
 * theirs when the experiment runs). Returns the config.
 */
export function validateExperimentConfig(config: ExperimentConfig): ExperimentConfig {
  const where = `experiment config${config?.name ? ` "${config.name}"` : ''}`;
  if (typeof config !== 'object' || config === null) throw new InputError(where, 'an object', JSON.stringify(config));
  for (const field of ['dataset', 'split', 'encoder', 'objective', 'augment', 'train', 'seeds', 'score', 'probe'] as const) {
    if (config[field] === undefined) throw new InputError(`${where}.${field}`, 'a value', 'nothing');
  }
  positiveInt(config.split.trainSize, `${where}.split.trainSize`, 10);
  positiveInt(config.split.extraSize, `${where}.split.extraSize`, 0);
  positiveInt(config.train.epochs, `${where}.train.epochs`);
  positiveInt(config.train.batchSize, `${where}.train.batchSize`, 2);
  config.train.checkpointEpochs.forEach((e, i) => {
    if (!(Number.isInteger(e) && e >= 1 && e <= config.train.epochs)) {
      throw new InputError(`${where}.train.checkpointEpochs[${i}]`, `an epoch in 1..${config.train.epochs}`, JSON.stringify(e));
    }
  });
  if (!Array.isArray(config.seeds) || config.seeds.length === 0 || !config.seeds.every(Number.isInteger)) {
    throw new InputError(`${where}.seeds`, 'a non-empty array of integer seeds', JSON.stringify(config.seeds));
  }
  if (new Set(config.seeds).size !== config.seeds.length) throw new InputError(`${where}.seeds`, 'distinct seeds', JSON.stringify(config.seeds));
  positiveInt(config.score.pairs, `${where}.score.pairs`);
  if (config.score.on !== 'representation' && config.score.on !== 'projection') {
    throw new InputError(`${where}.score.on`, '"representation" or "projection"', JSON.stringify(config.score.on));
  }
  positiveInt(config.probe.trainSize, `${where}.probe.trainSize`, 0);
  positiveInt(config.probe.testSize, `${where}.probe.testSize`, 0);
  return config;
}
