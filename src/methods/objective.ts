import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../augment/augmentation';
import type { Encoder } from '../encoders/encoder';
import type { Rng } from '../util/rng';

/** Serialisable description of an objective, e.g. `{ name: 'simclr', temperature: 0.5 }`. */
export interface ObjectiveConfig {
  readonly name: string;
  readonly [field: string]: unknown;
}

/**
 * What an objective keeps besides the online encoder: projector and predictor heads,
 * an EMA target encoder, a DINO centre, an MAE decoder, a classifier. Variables are named
 * and listed so that checkpoints and optimizers handle them like the encoder's.
 */
export interface ObjectiveState {
  /** Trainable variables of the heads (optimised together with the encoder's). */
  readonly variables: readonly tf.Variable[];
  /** Non-trainable state: EMA weights, centres, running statistics. */
  readonly state: readonly tf.Variable[];
  /**
   * The projection head, `[batch, encoder.outDim]` -> `[batch, projDim]`, used when SSLMem
   * is measured on the projector output. Absent for objectives without one.
   */
  project?(representation: tf.Tensor2D, training: boolean): tf.Tensor2D;
  /**
   * Class logits `[batch, encoder.outDim]` -> `[batch, classes]` of a supervised objective
   * (label memorization reads its softmax). Absent for SSL objectives.
   */
  classify?(representation: tf.Tensor2D, training: boolean): tf.Tensor2D;
  dispose(): void;
}

/**
 * One training batch as an objective sees it: the augmented views, each
 * `[batch, h, w, c]` (views may differ in size, e.g. multi-crop), and the labels
 * `[batch]` (int32) when the objective asked for them (`needsLabels`).
 */
export interface ObjectiveBatch {
  readonly views: readonly tf.Tensor4D[];
  readonly labels?: tf.Tensor1D;
}

/** Where the trainer is when an objective's `afterStep` runs. */
export interface StepProgress {
  /** The step just taken, counted from 0 over the whole run. */
  readonly step: number;
  /** Steps of the whole run (for momentum and temperature schedules). */
  readonly totalSteps: number;
}

/**
 * A training objective: an SSL framework, or supervised cross-entropy. `loss` runs
 * inside the trainer's gradient tape: it gets the online encoder, the objective's state
 * and one batch, and returns a scalar. `afterStep` runs after the optimizer applied the
 * gradients (EMA updates), outside the tape.
 */
export interface Objective {
  readonly config: ObjectiveConfig;
  /** How many augmented views of each image `loss` expects (2 for SimCLR, more for multi-crop). */
  readonly numViews: number;
  /** True when `loss` needs the batch's labels (supervised training). */
  readonly needsLabels?: boolean;
  /**
   * Why the loss couples the examples of a batch (one example's gradient depends on the
   * others: negatives, batch statistics, a centre), which rules out DP-SGD. Absent: the
   * loss is the mean over the batch of one term per example, as DP-SGD requires.
   */
  readonly batchCoupling?: string;
  /**
   * One augmentation per view built from the experiment's augmentation (e.g. DINO's
   * global and local crops). Absent: every view uses the experiment's augmentation.
   */
  viewAugmentations?(augment: Augmentation): Augmentation[];
  /**
   * Why an encoder of this config cannot be trained by this objective (e.g. MAE needs a
   * ViT), or `undefined` when it can. Absent: every encoder can.
   */
  encoderProblem?(encoder: { readonly kind: string; readonly [field: string]: unknown }): string | undefined;
  /**
   * An encoder (without `inputShape` and `seed`) this objective trains well on small
   * images: what `withObjective` switches to when the current encoder is incompatible.
   */
  readonly suggestedEncoder?: { readonly kind: string; readonly [field: string]: unknown };
  /** Creates the heads and state for `encoder`, all random choices from `rng`. */
  init(encoder: Encoder, rng: Rng): ObjectiveState;
  /** Scalar loss for one batch. */
  loss(encoder: Encoder, state: ObjectiveState, batch: ObjectiveBatch, rng: Rng): tf.Scalar;
  /** Optional update after each optimizer step. */
  afterStep?(encoder: Encoder, state: ObjectiveState, progress: StepProgress): void;
  /**
   * The loss of an encoder that has learnt nothing, for a batch of `batchSize` images (e.g.
   * NT-Xent with uniform similarities: log(2 batchSize - 1)). The trainer warns when the
   * epoch loss stays there. Absent where no such level exists.
   */
  chanceLoss?(batchSize: number): number;
}
