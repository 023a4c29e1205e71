import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import type { Objective, ObjectiveBatch, ObjectiveState } from '../methods/objective';
import type { Rng } from '../util/rng';
import type { NamedTensors } from './optimizer';

/** The variables an SSL step trains: the encoder's, then the objective heads'. */
export function trainableVariables(encoder: Encoder, state: ObjectiveState): tf.Variable[] {
  return [...encoder.variables, ...state.variables];
}

/**
 * Loss and gradients of `objective` on one batch (or any slice of it, e.g. a DP-SGD
 * microbatch): `grads[variable.name]` for every trainable variable the loss depends on. The caller disposes `loss` and `grads`.
 */
export function computeGradients(
  encoder: Encoder,
  objective: Objective,
  state: ObjectiveState,
  batch: ObjectiveBatch,
  rng: Rng,
): { loss: tf.Scalar; grads: NamedTensors } {
  const { value, grads } = tf.variableGrads(() => objective.loss(encoder, state, batch, rng), trainableVariables(encoder, state));
  return { loss: value, grads };
}
