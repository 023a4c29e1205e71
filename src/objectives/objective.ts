import type * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import type { Rng } from '../util/rng';

/** Serialisable description of an objective, e.g. `{ name: 'simclr', temperature: 0.5 }`. */
export interface ObjectiveConfig {
  readonly name: string;
  readonly [field: string]: unknown;
}

/**
 * What an objective keeps besides the online encoder: projector and predictor heads,
 * an EMA target encoder, a DINO centre, an MAE decoder. Variables are named and listed
 * so that checkpoints and optimizers handle them like the encoder's.
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
  dispose(): void;
}

/**
 * An SSL training objective. `loss` runs inside the trainer's gradient tape: it gets the
 * online encoder, the objective's state and the augmented views of one batch and returns
 * a scalar. `afterStep` runs after the optimizer applied the gradients (EMA updates,
 * centring), outside the tape.
 */
export interface Objective {
  readonly config: ObjectiveConfig;
  /** How many augmented views of each image `loss` expects (2 for SimCLR, more for multi-crop). */
  readonly numViews: number;
  /** Creates the heads and state for `encoder`, all random choices from `rng`. */
  init(encoder: Encoder, rng: Rng): ObjectiveState;
  /** Scalar loss for one batch; each view is `[batch, h, w, c]`. */
  loss(encoder: Encoder, state: ObjectiveState, views: readonly tf.Tensor4D[], rng: Rng): tf.Scalar;
  /** Optional update after each optimizer step (`step` counts from 0). */
  afterStep?(encoder: Encoder, state: ObjectiveState, step: number): void;
  /**
   * The loss of an encoder that has learnt nothing, for a batch of `batchSize` images (e.g.
   * NT-Xent with uniform similarities: log(2 batchSize - 1)). The trainer warns when the
   * epoch loss stays there. Absent where no such level exists.
   */
  chanceLoss?(batchSize: number): number;
}
