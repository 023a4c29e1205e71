import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../augment/augmentation';
import type { ObjectiveBatch } from '../methods/objective';
import type { Rng } from '../util/rng';
import { noisyMean } from './clip-and-noise';
import { trainableVariables } from './compute-gradients';
import type { DpPlan } from './dp-options';
import { makeViews } from './make-views';
import type { NamedTensors } from './optimizer';
import { clippedGradientSum, type PerExampleMethod } from './per-example-gradients';
import type { StepBatch, StepPosition, TrainingParts } from './train-step';

/** What a DP-SGD step reports: the batch's mean loss (NaN for an empty batch), its size, and how per-example gradients were found. */
export interface DpStepResult {
  readonly loss: number;
  readonly examples: number;
  /** Absent for an empty batch. */
  readonly method?: PerExampleMethod;
}

/**
 * One DP-SGD step: views as in `trainStep`, each example's gradient clipped to
 * `plan.clip` (`clippedGradientSum`, loss rng `rng.fork('loss')`), Gaussian noise of std
 * `noise * clip` from `rng.fork('noise')` on the sum of every trainable variable, division
 * by the expected batch size, the optimizer update, then `afterStep`. `batch` is `null`
 * for an empty Poisson batch: the update is then noise alone. A NaN or infinite loss
 * applies nothing.
 */
export function dpTrainStep(
  parts: TrainingParts,
  batch: (() => StepBatch) | null,
  augment: Augmentation | readonly Augmentation[],
  rng: Rng,
  lr: number,
  position: StepPosition,
  plan: Pick<DpPlan, 'clip' | 'noise' | 'expectedBatchSize' | 'method'>,
): DpStepResult {
  const { encoder, objective, objectiveState, optimizer } = parts;
  const variables = trainableVariables(encoder, objectiveState);
  let method: PerExampleMethod | undefined;
  const result = tf.tidy(() => {
    let sum: NamedTensors;
    let loss = Number.NaN;
    let examples = 0;
    if (batch === null) sum = Object.fromEntries(variables.map((v) => [v.name, tf.zerosLike(v)]));
    else {
      const { images, labels } = batch();
      examples = images.shape[0];
      const perView = objective.viewAugmentations && typeof augment === 'function' ? objective.viewAugmentations(augment) : augment;
      const views = makeViews(images, perView, objective.numViews, rng.fork('views'));
      const input: ObjectiveBatch = labels === undefined ? { views } : { views, labels: tf.tensor1d(labels, 'int32') };
      const out = clippedGradientSum(encoder, objective, objectiveState, input, rng.fork('loss'), plan);
      loss = out.loss.dataSync()[0];
      sum = out.sum;
      method = out.method;
      if (!Number.isFinite(loss)) return { loss, examples };
    }
    optimizer.apply(noisyMean(sum, { clip: plan.clip, noise: plan.noise, expectedBatchSize: plan.expectedBatchSize, rng: rng.fork('noise') }), variables, lr);
    return { loss, examples };
  });
  const afterStep = objective.afterStep;
  if ((result.examples === 0 || Number.isFinite(result.loss)) && afterStep) tf.tidy(() => afterStep(encoder, objectiveState, position));
  return method === undefined ? result : { ...result, method };
}
