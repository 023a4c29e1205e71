import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../augment/augmentation';
import type { Encoder } from '../encoders/encoder';
import type { Objective, ObjectiveState } from '../objectives/objective';
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

/**
 * One optimisation step on a batch: augment `numViews` views (from `rng.fork('views')`),
 * compute loss and gradients (loss rng `rng.fork('loss')`), apply them with learning rate
 * `lr`, then run `objective.afterStep(step)`. Returns the loss; when it is NaN or
 * infinite nothing is applied (the caller decides what to do). `images` is called inside
 * the step's `tf.tidy`, so the batch it returns is freed with the step.
 */
export function trainStep(
  parts: TrainingParts,
  images: () => tf.Tensor4D,
  augment: Augmentation | readonly Augmentation[],
  rng: Rng,
  lr: number,
  step: number,
): number {
  const { encoder, objective, objectiveState, optimizer } = parts;
  const loss = tf.tidy(() => {
    const views = makeViews(images(), augment, objective.numViews, rng.fork('views'));
    const { loss, grads } = computeGradients(encoder, objective, objectiveState, views, rng.fork('loss'));
    const value = loss.dataSync()[0];
    if (Number.isFinite(value)) optimizer.apply(grads, trainableVariables(encoder, objectiveState), lr);
    return value;
  });
  const afterStep = objective.afterStep;
  if (Number.isFinite(loss) && afterStep) tf.tidy(() => afterStep(encoder, objectiveState, step));
  return loss;
}
