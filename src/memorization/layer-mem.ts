import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import { check, InputError } from '../util/errors';
import type { Representer } from './representer';

function layersOf(encoder: Encoder, where: string): NonNullable<Encoder['applyLayers']> {
  check(
    encoder !== null && typeof encoder === 'object' && typeof encoder.applyLayers === 'function',
    `${where}: encoder`,
    'an encoder with applyLayers (named intermediate outputs)',
    encoder === null || typeof encoder !== 'object' ? String(encoder) : 'an encoder without applyLayers',
  );
  return encoder.applyLayers.bind(encoder);
}

/**
 * The names of the encoder's `applyLayers` outputs in forward order (e.g. MLP `hidden1`,
 * `hidden2`, `out`; CNN `block1`, ..., `pool`, `out`), read from one pass over a single
 * blank image. `InputError` when the encoder has no `applyLayers`.
 */
export function layerNames(encoder: Encoder): string[] {
  const applyLayers = layersOf(encoder, 'memorization/layerNames');
  return tf.tidy(() => applyLayers(tf.zeros([1, ...encoder.config.inputShape]) as tf.Tensor4D, false).map((l) => l.name));
}

/** `InputError` (at `where`) unless `layer` is one of the encoder's layer names, which the message lists. */
export function checkLayerName(encoder: Encoder, layer: string, where: string): void {
  const names = layerNames(encoder);
  if (!names.includes(layer)) throw new InputError(`${where}: layer`, `one of the encoder's layers ${names.join(', ')}`, JSON.stringify(layer));
}

/**
 * Layer `layer`'s output for a batch, in eval mode, as a new tensor (`[b, d]`, `[b, t, d]`
 * or `[b, h, w, c]` as the layer gives it); the other layers' outputs are freed. The caller
 * has checked the name (`checkLayerName`).
 */
export function layerOutput(encoder: Encoder, layer: string, images: tf.Tensor4D): tf.Tensor {
  const applyLayers = layersOf(encoder, 'memorization/layerOutput');
  return tf.tidy(() => {
    const found = applyLayers(images, false).find((l) => l.name === layer);
    if (found === undefined) throw new InputError('memorization/layerOutput: layer', `one of ${layerNames(encoder).join(', ')}`, JSON.stringify(layer));
    return found.output;
  });
}

/**
 * LayerMem's representation (Wang et al. 2024, "Localizing Memorization in SSL Vision
 * Encoders"): the output of layer `layer` in eval mode, flattened per example to `[b, d]`.
 * Scoring it with `sslmemScores` gives the SSLMem of that layer on the same views as the
 * final representation. `InputError` listing the layer names for an unknown `layer`.
 */
export function layerRepresenter(encoder: Encoder, layer: string): Representer {
  checkLayerName(encoder, layer, 'memorization/layerRepresenter');
  return (images) => tf.tidy(() => {
    const out = layerOutput(encoder, layer, images);
    return tf.reshape(out, [out.shape[0], -1]) as tf.Tensor2D;
  });
}
