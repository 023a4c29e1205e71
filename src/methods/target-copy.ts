import * as tf from '@tensorflow/tfjs-core';
import { createEncoder } from '../encoders/create-encoder';
import type { Encoder } from '../encoders/encoder';
import { InputError } from '../util/errors';

/** Something with listed variables (an encoder or a head). */
export interface HasVariables {
  readonly variables: readonly tf.Variable[];
  readonly state: readonly tf.Variable[];
}

/** Copies the values of `from` into `to`, paired by position (same lengths and shapes). */
export function copyWeights(from: readonly tf.Variable[], to: readonly tf.Variable[]): void {
  if (from.length !== to.length) throw new InputError('copyWeights variables', `${from.length} targets`, `${to.length}`);
  from.forEach((v, i) => {
    if (v.shape.join() !== to[i].shape.join()) throw new InputError(`copyWeights ${to[i].name}`, `shape [${v.shape}] of ${v.name}`, `[${to[i].shape}]`);
  });
  from.forEach((v, i) => to[i].assign(v));
}

/**
 * A target (teacher) copy of a model: built by `build` (same architecture, another name
 * root) and given the model's current weights and state. Its variables belong in the
 * objective's non-trainable `state`, so no gradient reaches them; `emaUpdate` moves them.
 */
export function targetCopy<M extends HasVariables>(model: M, build: () => M): M {
  const copy = build();
  copyWeights([...model.variables, ...model.state], [...copy.variables, ...copy.state]);
  return copy;
}

/** A target copy of an encoder (variable root `<name>`, e.g. `target_encoder`). */
export function targetEncoder(encoder: Encoder, name: string): Encoder {
  return targetCopy(encoder, () => createEncoder({ ...encoder.config, name }));
}
