import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import type { ObjectiveState } from '../methods/objective';
import { check } from '../util/errors';

/**
 * A representation function f: images `[batch, h, w, c]` -> representations
 * `[batch, dim]`, e.g. an encoder in eval mode or its projector output. It returns a new
 * tensor and must not dispose its input; it is called inside `tf.tidy`.
 */
export type Representer = (images: tf.Tensor4D) => tf.Tensor2D;

/** The encoder's representation in eval mode (batch norm running statistics, no dropout). */
export function encoderRepresenter(encoder: Encoder): Representer {
  return (images) => encoder.apply(images, false);
}

/**
 * The projector output on top of the encoder, both in eval mode (where the paper's
 * official code measures SSLMem for SimCLR). `InputError` if the objective has no projector.
 */
export function projectorRepresenter(encoder: Encoder, state: ObjectiveState): Representer {
  const project = state.project;
  check(typeof project === 'function', 'memorization/projectorRepresenter: state.project', 'a projection head', 'none');
  return (images) => tf.tidy(() => project.call(state, encoder.apply(images, false), false));
}
