import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../augment/augmentation';
import type { Encoder } from '../encoders/encoder';
import type { Objective, ObjectiveBatch, ObjectiveState } from '../methods/objective';
import type { Rng } from '../util/rng';
import { computeGradients, trainableVariables } from './compute-gradients';
import { makeViews } from './make-views';
import type { Optimizer } from './optimizer';

/** What one training step updates. */
export interface TrainingParts {
  readonly encoder: Encoder;
  readonly objective: Objective;
  readonly objectiveState: ObjectiveState;
  readonly optimizer: Optimizer;
}

/** One batch as the trainer reads it: images `[batch, h, w, c]` and, when asked for, labels. */
export interface StepBatch {
  readonly images: tf.Tensor4D;
  /** The labels of the rows that reach the loss (all rows, or those of `keep`). */
  readonly labels?: Int32Array;
  /**
   * Rows of the augmented views that reach the loss (absent: all). Coupled training augments
   * every slot of a batch, empty ones too, so each slot draws the same augmentation in every
   * run of the stream, then keeps the filled slots (`slotBatchOf`).
   */
  readonly keep?: Int32Array;
}

/** Where a step is in the run. */
export interface StepPosition {
  /** Global step, counted from 0. */
  readonly step: number;
  readonly totalSteps: number;
}

/**
 * One optimisation step on a batch: augment `numViews` views (from `rng.fork('views')`;
 * the objective may choose one augmentation per view, `viewAugmentations`), compute loss
 * and gradients (loss rng `rng.fork('loss')`) on the rows the batch keeps, apply them with learning rate `lr`, then
 * run `objective.afterStep`. Returns the loss; when it is NaN or infinite nothing is
 * applied (the caller decides what to do). `batch` is called inside the step's `tf.tidy`,
 * so the images it returns are freed with the step.
 */
export function trainStep(
  parts: TrainingParts,
  batch: () => StepBatch,
  augment: Augmentation | readonly Augmentation[],
  rng: Rng,
  lr: number,
  position: StepPosition,
): number {
  const { encoder, objective, objectiveState, optimizer } = parts;
  const loss = tf.tidy(() => {
    const { images, labels, keep } = batch();
    const perView = objective.viewAugmentations && typeof augment === 'function' ? objective.viewAugmentations(augment) : augment;
    const augmented = makeViews(images, perView, objective.numViews, rng.fork('views'));
    const views = keep === undefined ? augmented : augmented.map((view) => tf.gather(view, keep));
    const input: ObjectiveBatch = labels === undefined ? { views } : { views, labels: tf.tensor1d(labels, 'int32') };
    const { loss, grads } = computeGradients(encoder, objective, objectiveState, input, rng.fork('loss'));
    const value = loss.dataSync()[0];
    if (Number.isFinite(value)) optimizer.apply(grads, trainableVariables(encoder, objectiveState), lr);
    return value;
  });
  const afterStep = objective.afterStep;
  if (Number.isFinite(loss) && afterStep) tf.tidy(() => afterStep(encoder, objectiveState, position));
  return loss;
}
