import { augmentationFromConfig, type AugmentationConfig } from '../augment/augmentation-from-config';
import { splitSizes, type SplitFractions } from '../data/splits';
import { defaultSyntheticOptions } from '../data/synthetic';
import { resolveEncoderConfig } from '../encoders/create-encoder';
import { createObjective } from '../methods/registry';
import type { AlignmentMode } from '../memorization/alignment-loss';
import type { ObjectiveConfig } from '../methods/objective';
import type { TrainOptions } from '../train/train-options';
import { describeValue, InputError } from '../util/errors';
import { assertPlainData, safeMerge } from '../util/safe-keys';
import { checkDatasetSpec, datasetSpecFields } from './check-dataset-spec';
import { datasetFactsOf, type DatasetSpec } from './dataset-facts-of';
import { checkPrivateTraining, privateParts, resolveExperimentDp, type ExperimentDp } from './privacy-config';

/**
 * Everything that determines an SSLMem experiment, as literal JSON values: the data and
 * its four sets, the encoder, the SSL objective, the augmentations, training, the seeds
 * (one f and one g per seed), scoring and the linear probe. A preset is one of these;
 * a what-if experiment is a preset with a few fields changed (`withOverrides`).
 */
export interface ExperimentConfig {
  /** Name shown in reports, e.g. `quick`. */
  readonly name: string;
  /** The dataset: a name and folder; an image folder (`folder`) also its `size`, `channels` and `heldOut` (see `DatasetSpec`). */
  readonly dataset: DatasetSpec;
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
  /** The trainer's options (`trainEncoder`) that are plain values, passed to it unchanged. */
  readonly train: ExperimentTrain;
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
  /** Train every encoder with DP-SGD (absent: ordinary training); see `ExperimentDp`, `withPrivacy`. */
  readonly dp?: ExperimentDp;
}

/**
 * Option of the functions that build a config (`preset`, `withOverrides`, `withObjective`).
 * A caller that builds a config in several steps passes `validate: false` to all but the
 * last, or validates the result once with `validateExperimentConfig`.
 */
export interface ValidateOption {
  /** Check the result with `validateExperimentConfig`. Default true. */
  readonly validate?: boolean;
}

/** `config`, checked unless `options.validate` is false. */
function validated(config: ExperimentConfig, options: ValidateOption): ExperimentConfig {
  return options.validate === false ? config : validateExperimentConfig(config);
}

/**
 * `config` with its encoders trained by DP-SGD under `dp` (e.g. `{ epsilon: 8 }`): batch
 * norm in the encoder and the objective's heads is switched to group or layer norm, which
 * keep the examples apart; an objective whose loss couples the examples of a batch
 * (SimCLR, VICReg, DINO) is refused with the frameworks that work. Validated.
 */
export function withPrivacy(config: ExperimentConfig, dp: ExperimentDp): ExperimentConfig {
  assertPlainData(dp, 'withPrivacy dp');
  const parts = privateParts(config, experimentDataSizes(config).shape);
  return validateExperimentConfig({ ...config, ...parts, dp: { ...dp } });
}

/**
 * `config` trained with another objective (`{ name: 'byol' }`, or a name): the objective
 * replaces the old one whole; when the encoder cannot be trained by it (MAE needs a ViT),
 * the objective's suggested encoder replaces the encoder; supervised training gets the
 * dataset's number of classes. Validated (unless `options.validate` is false).
 */
export function withObjective(config: ExperimentConfig, objective: ObjectiveConfig | string, options: ValidateOption = {}): ExperimentConfig {
  assertPlainData(objective, 'withObjective objective');
  const next: ObjectiveConfig = typeof objective === 'string' ? { name: objective } : objective;
  const created = createObjective(next);
  const numClasses = datasetFactsOf(config.dataset)?.numClasses;
  const full: ObjectiveConfig = next.name === 'supervised' && next.classes === undefined && numClasses !== undefined ? { ...next, classes: numClasses } : next;
  const encoder = created.encoderProblem?.(config.encoder) !== undefined && created.suggestedEncoder !== undefined ? created.suggestedEncoder : config.encoder;
  return validated({ ...config, objective: full, encoder }, options);
}

/**
 * The serialisable part of `TrainOptions`, as a config holds it: passed to `trainEncoder`
 * unchanged (with the job's seed, augmentation and checkpoint folder added). `dropLast`,
 * `finalLr` and `weightDecay` are optional and take the trainer's defaults when absent.
 */
export type ExperimentTrain = Pick<TrainOptions, 'epochs' | 'batchSize' | 'optimizer' | 'lr' | 'schedule' | 'warmupEpochs'> &
  Partial<Pick<TrainOptions, 'dropLast' | 'finalLr' | 'weightDecay'>> & {
    /** Epochs (1-based) at which a checkpoint is kept besides the last one. */
    readonly checkpointEpochs: readonly number[];
    /**
     * How the encoders compared by a design draw their training streams (default
     * `independent`). Both start from their seed's weights and draw batch order and
     * augmentations from their seed's stream. `independent`: each run shuffles its own
     * images, so a point both sides train on meets different batches and views.
     * `shared-stream` (common random numbers): the runs shuffle the same slots, a point both
     * train on holds the same slot in each, so it meets the same batches and views; only the
     * points where their training sets differ differ (`streamSlots`). Not with DP-SGD.
     */
    readonly coupling?: Coupling;
  };

/** How the encoders of a design draw their training streams: see `ExperimentTrain.coupling`. */
export type Coupling = 'independent' | 'shared-stream';

/** The couplings, in the order the docs list them. */
export const couplings: readonly Coupling[] = ['independent', 'shared-stream'];

/** Which side of the SSLMem estimate an encoder is: f saw `S_C`, g saw `S_I`. */
export type Side = 'f' | 'g';

/**
 * Parts of a config whose fields depend on one field (the encoder's `kind`, the objective's
 * `name`, ...): an override that changes that field replaces the part instead of merging
 * into it, so no field of the old kind is left behind.
 */
const discriminators: Readonly<Record<string, string>> = {
  '.encoder': 'kind',
  '.objective': 'name',
  '.augment': 'preset',
  '.score.augment': 'preset',
  '.train.optimizer': 'name',
};

function replacesPart(path: string, base: Record<string, unknown>, patch: Record<string, unknown>): boolean {
  const key = Object.hasOwn(discriminators, path) ? discriminators[path] : undefined;
  return key !== undefined && Object.hasOwn(patch, key) && patch[key] !== base[key];
}

/** Deep partial of a config, for overrides. */
export type ConfigOverrides = { readonly [K in keyof ExperimentConfig]?: unknown };

/**
 * A copy of `config` with `overrides` merged in (objects merge field by field, arrays and
 * values replace; an override that changes `encoder.kind`, `objective.name`,
 * `augment.preset` or `train.optimizer.name` replaces that part whole), validated (unless
 * `options.validate` is false). Example: `withOverrides(preset('quick'), { train: { epochs: 50 } })`.
 */
export function withOverrides(config: ExperimentConfig, overrides: ConfigOverrides, options: ValidateOption = {}): ExperimentConfig {
  assertPlainData(overrides, 'overrides');
  return validated(safeMerge(config, overrides, 'overrides', { replaces: replacesPart }) as ExperimentConfig, options);
}

function positiveInt(v: unknown, where: string, min = 1): void {
  if (!(Number.isInteger(v) && (v as number) >= min)) throw new InputError(where, `an integer >= ${min}`, describeValue(v));
}

function epochCount(v: unknown, where: string): void {
  positiveInt(v, where);
  if ((v as number) > maxConfigEpochs) throw new InputError(where, `at most ${maxConfigEpochs} epochs`, describeValue(v));
}

function integer(v: unknown, where: string): void {
  if (!Number.isInteger(v)) throw new InputError(where, 'an integer', describeValue(v));
}

function oneOf(v: unknown, values: readonly unknown[], where: string): void {
  if (!values.includes(v)) throw new InputError(where, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, describeValue(v));
}

/** Most epochs a config may train (or probe) for: beyond it a typo, not an experiment. */
export const maxConfigEpochs = 1_000_000;

/** Longest config `name`, in characters (it goes into every output file). */
export const maxConfigNameLength = 256;

/** The fields of the closed parts of a config (encoder, objective and augment are checked by their factories). */
const knownFields: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['', ['name', 'dataset', 'split', 'encoder', 'objective', 'augment', 'train', 'seeds', 'score', 'probe', 'dp']],
  ['dataset', datasetSpecFields],
  ['split', ['trainSize', 'fractions', 'extraSize', 'stratified', 'seed']],
  ['split.fractions', ['shared', 'candidate', 'independent']],
  ['train', ['epochs', 'batchSize', 'optimizer', 'lr', 'schedule', 'warmupEpochs', 'checkpointEpochs', 'dropLast', 'finalLr', 'weightDecay', 'coupling']],
  ['score', ['pairs', 'normalize', 'mode', 'on', 'batchSize', 'seed', 'augment']],
  ['probe', ['trainSize', 'testSize', 'epochs', 'seed']],
];

/** Throws on a field the config does not have (a misspelt override would otherwise be ignored). */
function checkKnownFields(config: ExperimentConfig, where: string): void {
  for (const [path, fields] of knownFields) {
    const part = path === '' ? config : path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], config);
    const at = path === '' ? where : `${where}.${path}`;
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      throw new InputError(at, 'an object', describeValue(part));
    }
    for (const key of Object.keys(part)) {
      if (!fields.includes(key)) throw new InputError(`${at}.${key}`, `one of the fields ${fields.join(', ')}`, 'an unknown field');
    }
  }
}

/**
 * The sizes of the dataset splits a config reads: the canonical ones (`datasetFacts`), an
 * image folder's own (its files are listed, not decoded), or for `synthetic` the sizes
 * `loadExperimentData` generates.
 */
export function experimentDataSizes(config: Pick<ExperimentConfig, 'dataset' | 'split' | 'probe'>): { train: number; test: number; shape: readonly [number, number, number] } {
  const facts = datasetFactsOf(config.dataset);
  if (facts !== undefined) return { train: facts.trainSize, test: facts.testSize, shape: facts.shape };
  return {
    train: Math.max(config.split.trainSize, config.probe.trainSize),
    test: Math.max(config.split.extraSize, config.probe.testSize, 1),
    shape: defaultSyntheticOptions.shape,
  };
}

/**
 * Checks a whole config before anything loads or trains: every field the experiment layer
 * uses, no unknown field, the sizes against the dataset's actual split sizes (training
 * set, its four sets, the batch size against each encoder's training set, the probe's
 * sets), and the encoder, objective and augmentations through their own checks. Returns
 * the config. Errors name the field, what was expected and what was found.
 */
export function validateExperimentConfig(config: ExperimentConfig): ExperimentConfig {
  const name: unknown = (config as { name?: unknown } | null | undefined)?.name;
  const where = `experiment config${typeof name === 'string' && name !== '' && name.length <= maxConfigNameLength && !name.includes('"') ? ` "${name}"` : ''}`;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new InputError(where, 'an object', Array.isArray(config) ? 'an array' : describeValue(config));
  if (typeof name !== 'string' || name.length > maxConfigNameLength) {
    throw new InputError(`${where}.name`, `a string of at most ${maxConfigNameLength} characters`, typeof name === 'string' ? `${name.length} characters` : describeValue(name));
  }
  assertPlainData(config, where);
  for (const field of ['dataset', 'split', 'encoder', 'objective', 'augment', 'train', 'seeds', 'score', 'probe'] as const) {
    if (config[field] === undefined) throw new InputError(`${where}.${field}`, 'a value', 'nothing');
  }
  checkKnownFields(config, where);
  checkDatasetSpec(config.dataset, `${where}.dataset`);
  positiveInt(config.split.trainSize, `${where}.split.trainSize`, 10);
  positiveInt(config.split.extraSize, `${where}.split.extraSize`, 0);
  oneOf(config.split.stratified, [true, false], `${where}.split.stratified`);
  integer(config.split.seed, `${where}.split.seed`);
  epochCount(config.train.epochs, `${where}.train.epochs`);
  positiveInt(config.train.batchSize, `${where}.train.batchSize`, 2);
  if (!(typeof config.train.lr === 'number' && Number.isFinite(config.train.lr) && config.train.lr > 0)) {
    throw new InputError(`${where}.train.lr`, 'a number > 0', describeValue(config.train.lr));
  }
  oneOf(config.train.schedule, ['constant', 'cosine'], `${where}.train.schedule`);
  if (!(typeof config.train.warmupEpochs === 'number' && Number.isFinite(config.train.warmupEpochs) && config.train.warmupEpochs >= 0)) {
    throw new InputError(`${where}.train.warmupEpochs`, 'a number >= 0', describeValue(config.train.warmupEpochs));
  }
  if (!Array.isArray(config.train.checkpointEpochs)) {
    throw new InputError(`${where}.train.checkpointEpochs`, 'an array of epochs', describeValue(config.train.checkpointEpochs));
  }
  config.train.checkpointEpochs.forEach((e, i) => {
    if (!(Number.isInteger(e) && e >= 1 && e <= config.train.epochs)) {
      throw new InputError(`${where}.train.checkpointEpochs[${i}]`, `an epoch in 1..${config.train.epochs}`, describeValue(e));
    }
  });
  if (config.train.dropLast !== undefined) oneOf(config.train.dropLast, [true, false], `${where}.train.dropLast`);
  if (config.train.coupling !== undefined) oneOf(config.train.coupling, couplings, `${where}.train.coupling`);
  for (const field of ['finalLr', 'weightDecay'] as const) {
    const v = config.train[field];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new InputError(`${where}.train.${field}`, 'a number >= 0 (or absent)', describeValue(v));
  }
  if (!Array.isArray(config.seeds) || config.seeds.length === 0 || !config.seeds.every(Number.isInteger)) {
    throw new InputError(`${where}.seeds`, 'a non-empty array of integer seeds', describeValue(config.seeds));
  }
  if (new Set(config.seeds).size !== config.seeds.length) throw new InputError(`${where}.seeds`, 'distinct seeds', describeValue(config.seeds));
  positiveInt(config.score.pairs, `${where}.score.pairs`);
  oneOf(config.score.normalize, [true, false], `${where}.score.normalize`);
  oneOf(config.score.mode, ['pairs', 'clean'], `${where}.score.mode`);
  oneOf(config.score.on, ['representation', 'projection'], `${where}.score.on`);
  positiveInt(config.score.batchSize, `${where}.score.batchSize`);
  integer(config.score.seed, `${where}.score.seed`);
  positiveInt(config.probe.trainSize, `${where}.probe.trainSize`);
  positiveInt(config.probe.testSize, `${where}.probe.testSize`);
  epochCount(config.probe.epochs, `${where}.probe.epochs`);
  integer(config.probe.seed, `${where}.probe.seed`);
  checkSizes(config, where);
  checkParts(config, where);
  return config;
}

/** The split, batch and probe sizes against the dataset's split sizes. */
function checkSizes(config: ExperimentConfig, where: string): void {
  const data = experimentDataSizes(config);
  const name = config.dataset.name;
  const folder = name === 'folder' ? `the image folder ${config.dataset.dir} (${data.train} training and ${data.test} test images)` : undefined;
  const within = (value: number, max: number, field: string, what: string): void => {
    if (value > max) throw new InputError(`${where}.${field}`, `at most ${max} (${what} of ${folder ?? name})`, String(value));
  };
  within(config.split.trainSize, data.train, 'split.trainSize', 'the train split');
  within(config.split.extraSize, data.test, 'split.extraSize', 'the test split, where S_E comes from');
  within(config.probe.trainSize, data.train, 'probe.trainSize', 'the train split');
  within(config.probe.testSize, data.test, 'probe.testSize', 'the test split');
  const sizes = splitSizes(config.split.trainSize, config.split.fractions, `${where}.split.fractions`);
  if (sizes.candidate < 2) {
    throw new InputError(`${where}.split.fractions.candidate`, `a share giving S_C at least 2 of the ${config.split.trainSize} training points`, `${config.split.fractions.candidate} (${sizes.candidate})`);
  }
  const f = sizes.shared + sizes.candidate;
  const g = sizes.shared + sizes.independent;
  if (config.train.batchSize > Math.min(f, g)) {
    throw new InputError(
      `${where}.train.batchSize`,
      `at most the images an encoder trains on (f: S_S + S_C = ${f}, g: S_S + S_I = ${g}; the last incomplete batch is dropped)`,
      String(config.train.batchSize),
    );
  }
}

/** The encoder, objective and augmentations, each through its own check (nothing is built). */
function checkParts(config: ExperimentConfig, where: string): void {
  for (const field of ['inputShape', 'seed']) {
    if (field in config.encoder) throw new InputError(`${where}.encoder.${field}`, 'no such field (the experiment sets it: the shape from the dataset, the seed from seeds)', 'a value');
  }
  const shape = experimentDataSizes(config).shape;
  resolveEncoderConfig({ ...config.encoder, inputShape: shape, seed: 0 });
  const objective = createObjective(config.objective);
  const problem = objective.encoderProblem?.(config.encoder);
  if (problem !== undefined) {
    const suggestion = objective.suggestedEncoder ? ` (withObjective, or the CLI's --objective without an encoder of its own, switches to ${JSON.stringify(objective.suggestedEncoder)})` : '';
    throw new InputError(`${where}.encoder`, `an encoder objective "${config.objective.name}" can train${suggestion}`, problem);
  }
  const classes = config.objective.name === 'supervised' ? (config.objective.classes as number | undefined) ?? 10 : undefined;
  const facts = datasetFactsOf(config.dataset);
  if (config.objective.name === 'supervised' && facts !== undefined && !facts.labelled) {
    throw new InputError(`${where}.objective`, 'an SSL objective (supervised training needs labels: give the image folder one subfolder per class)', `"supervised" on the flat folder ${config.dataset.dir}`);
  }
  const numClasses = facts?.numClasses;
  if (classes !== undefined && numClasses !== undefined && classes !== numClasses) {
    throw new InputError(`${where}.objective.classes`, `${numClasses} (the classes of ${config.dataset.name})`, String(classes));
  }
  augmentationFromConfig(config.augment);
  if (config.score.augment !== undefined) augmentationFromConfig(config.score.augment);
  if (config.dp !== undefined) {
    if (config.train.coupling === 'shared-stream') {
      throw new InputError(`${where}.train.coupling`, '"independent" under DP-SGD (its batches are Poisson draws, not a shared stream)', '"shared-stream"');
    }
    resolveExperimentDp(config.dp, `${where}.dp`);
    checkPrivateTraining(config, shape, where);
  }
}
