import type { Augmentation } from '../augment/augmentation';
import type { ObjectiveState } from '../methods/objective';
import { InputError } from '../util/errors';
import { describeValue, resolveOptions, rule, type OptionRule, type OptionRules } from '../util/options';
import { trainRule } from './option-rules';
import type { DpTrainOptions } from './dp-options';
import type { OptimizerConfig } from './optimizer';

/** One row of the training history: the epoch's mean loss, last learning rate, wall time. */
export interface EpochRecord {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Mean loss over the epoch's steps. */
  readonly loss: number;
  /** Learning rate of the epoch's last step. */
  readonly lr: number;
  /** Seconds the epoch's steps took. */
  readonly seconds: number;
  /** Under DP-SGD: the epsilon spent up to the end of this epoch. */
  readonly epsilon?: number;
}

/** What `onEpoch` receives. */
export interface EpochInfo extends EpochRecord {
  readonly epochs: number;
}

/** What `onStep` receives after each step. */
export interface StepInfo {
  /** 1-based epoch and its number. */
  readonly epoch: number;
  readonly epochs: number;
  /** 1-based step within the epoch and the number of steps per epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** The step's mean loss (NaN for an empty Poisson batch under DP-SGD). */
  readonly loss: number;
  readonly lr: number;
}

/** A warning of the trainer about a run that goes on but looks wrong. */
export interface TrainWarning {
  /** 1-based epoch at which it was noticed. */
  readonly epoch: number;
  /**
   * What kind: `chance-level` (the loss stays at the level of an encoder that learnt
   * nothing), `dp-fixed-batches` (DP-SGD on shuffled fixed-size batches: the epsilon is
   * not a proven bound), `dp-microbatch` (a layer does not record per-example gradients, so
   * DP-SGD computes them one example at a time: correct, but slow), `damaged-checkpoint` (a
   * checkpoint to resume from does not match its recorded size and SHA-256: the training
   * resumes from an earlier one).
   */
  readonly kind: 'chance-level' | 'dp-fixed-batches' | 'dp-microbatch' | 'damaged-checkpoint';
  readonly message: string;
}

/** Options of `trainEncoder` (every field but `augment` has a default). */
export interface TrainOptions {
  /** Passes over the data. Default 10. */
  readonly epochs: number;
  /** Images per step. Default 256. */
  readonly batchSize: number;
  /** Drop the last incomplete batch of each epoch. Default true. */
  readonly dropLast: boolean;
  /** Optimizer and its settings. Default `{ name: 'adam' }`. */
  readonly optimizer: OptimizerConfig;
  /** Peak learning rate. Default 1e-3. */
  readonly lr: number;
  /** Weight decay; when set it replaces `optimizer.weightDecay`. Default unset. */
  readonly weightDecay: number | undefined;
  /** `constant` or `cosine` (decaying to `finalLr`). Default `constant`. */
  readonly schedule: 'constant' | 'cosine';
  /** Epochs of linear warm-up (may be fractional). Default 0. */
  readonly warmupEpochs: number;
  /** Learning rate at the end of a cosine schedule. Default 0. */
  readonly finalLr: number;
  /** Seed of batch order, augmentations and objective heads. Default 0. */
  readonly seed: number;
  /** Epochs (1-based) after which a checkpoint is written to `checkpointDir`. Default []. */
  readonly checkpointEpochs: readonly number[];
  /** Folder of the checkpoints `epoch-0001.safetensors`, ... Default unset. */
  readonly checkpointDir: string | undefined;
  /** Continue from the latest checkpoint in `checkpointDir`, if there is one. Default false. */
  readonly resume: boolean;
  /** Augmentation of every view, or one per view (`objective.numViews` of them). Required. */
  readonly augment: Augmentation | readonly Augmentation[];
  /** Objective state to train in place; default: a new one from `objective.init`. */
  readonly objectiveState: ObjectiveState | undefined;
  /** Called after each epoch (and its checkpoint); returning `'stop'` ends training. */
  readonly onEpoch: ((info: EpochInfo) => void | 'stop' | Promise<void | 'stop'>) | undefined;
  /** Called after each step, e.g. `terminalProgress()`. */
  readonly onStep: ((info: StepInfo) => void) | undefined;
  /** Called (once per kind) when the run looks wrong but goes on, e.g. a loss stuck at chance level. */
  readonly onWarning: ((warning: TrainWarning) => void) | undefined;
  /** Train with DP-SGD (per-example clipping, noise, Poisson batches of expected size `batchSize`). Default unset. */
  readonly dp: DpTrainOptions | undefined;
}

/** Defaults of `TrainOptions`. */
export const defaultTrainOptions: Omit<TrainOptions, 'augment'> = {
  epochs: 10,
  batchSize: 256,
  dropLast: true,
  optimizer: { name: 'adam' },
  lr: 1e-3,
  weightDecay: undefined,
  schedule: 'constant',
  warmupEpochs: 0,
  finalLr: 0,
  seed: 0,
  checkpointEpochs: [],
  checkpointDir: undefined,
  resume: false,
  objectiveState: undefined,
  onEpoch: undefined,
  onStep: undefined,
  onWarning: undefined,
  dp: undefined,
};

/** `trainEncoder`'s options as passed: `augment` plus any of the defaults. */
export type TrainEncoderOptions = Partial<TrainOptions> & Pick<TrainOptions, 'augment'>;

/** The options that determine the result, as stored in a checkpoint (JSON values only). */
export function serialisableTrainOptions(o: TrainOptions): Record<string, unknown> {
  const { epochs, batchSize, dropLast, optimizer, lr, weightDecay, schedule, warmupEpochs, finalLr, seed, checkpointEpochs, dp } = o;
  return { epochs, batchSize, dropLast, optimizer, lr, weightDecay, schedule, warmupEpochs, finalLr, seed, checkpointEpochs, ...(dp === undefined ? {} : { dp }) };
}

/** Number of steps in one epoch over `size` images. */
export function stepsPerEpochOf(size: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/** An augmentation, or one per view. */
const augmentation: OptionRule<TrainOptions['augment']> = (value, where) => {
  const ok = typeof value === 'function' || (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'function'));
  if (!ok) throw new InputError(where, 'an augmentation (or one per view)', describeValue(value));
  return value as TrainOptions['augment'];
};

/** The rule of every field of `TrainOptions`. */
const trainOptionRules: OptionRules<TrainOptions> = {
  epochs: rule.int({ min: 0 }),
  batchSize: rule.int({ min: 1 }),
  dropLast: rule.boolean(),
  optimizer: trainRule.object('optimizer settings, e.g. { name: "adam" }'),
  lr: rule.number({ min: 0 }),
  weightDecay: trainRule.optional(rule.number({ min: 0 })),
  schedule: rule.choice(['constant', 'cosine']),
  warmupEpochs: rule.number({ min: 0 }),
  finalLr: rule.number({ min: 0 }),
  seed: rule.int({ min: -(2 ** 31) }),
  checkpointEpochs: rule.intList({ min: 1 }),
  checkpointDir: trainRule.optional(trainRule.text('a folder')),
  resume: rule.boolean(),
  augment: augmentation,
  objectiveState: trainRule.optional(trainRule.object('an objective state')),
  onEpoch: trainRule.optional(trainRule.callback()),
  onStep: trainRule.optional(trainRule.callback()),
  onWarning: trainRule.optional(trainRule.callback()),
  dp: trainRule.optional(trainRule.object('DP-SGD settings, e.g. { clip: 1, epsilon: 8, delta: 1e-5, sampling: "poisson", method: "ghost" }')),
};

/**
 * Resolves `trainEncoder`'s options (`resolveOptions`: unknown fields throw, `undefined`
 * keeps the default, every field checked), then checks them against each other and the
 * data size: every checkpoint epoch within the run, a folder for checkpoints, at least one
 * batch per epoch (unless DP-SGD draws Poisson batches).
 */
export function resolveTrainOptions(options: TrainEncoderOptions, dataSize: number): TrainOptions {
  const defaults = { ...defaultTrainOptions, augment: undefined as never }; // augment has no default: its rule requires it
  const o = resolveOptions<TrainOptions>(defaults, trainOptionRules, options, 'train options');
  if (!Number.isInteger(dataSize) || dataSize < 1) throw new InputError('train data.size', 'an integer >= 1', String(dataSize));
  if (stepsPerEpochOf(dataSize, o.batchSize, o.dropLast) === 0 && o.dp?.sampling !== 'poisson') {
    throw new InputError('train options.batchSize', `at most the ${dataSize} images (dropLast is on)`, String(o.batchSize));
  }
  o.checkpointEpochs.forEach((e, i) => {
    if (e > o.epochs) throw new InputError(`train options.checkpointEpochs[${i}]`, `an epoch in 1..${o.epochs}`, String(e));
  });
  if ((o.checkpointEpochs.length > 0 || o.resume) && !o.checkpointDir) {
    throw new InputError('train options.checkpointDir', 'a folder (checkpointEpochs or resume are set)', 'unset');
  }
  return o;
}

/** The optimizer settings of a run: `optimizer`, with `weightDecay` in place of its own when set. */
export function optimizerConfigOf(o: Pick<TrainOptions, 'optimizer' | 'weightDecay'>): OptimizerConfig {
  return o.weightDecay === undefined ? o.optimizer : { ...o.optimizer, weightDecay: o.weightDecay };
}
