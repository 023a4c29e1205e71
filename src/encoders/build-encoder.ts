import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import type { Encoder, EncoderConfig } from './encoder';
import { disposeScope, type ParamScope } from './param-scope';

/** Receives a named intermediate output during a forward pass. */
export type LayerSink = (name: string, output: tf.Tensor) => void;

/**
 * A forward pass `[batch, h, w, c]` -> `[batch, outDim]`; calls `emit` (when given) with
 * each named intermediate output, the representation last.
 */
export type Forward = (images: tf.Tensor4D, training: boolean, emit?: LayerSink) => tf.Tensor2D;

/**
 * Wraps a forward pass into an `Encoder`: checks the input shape, runs inside `tf.tidy`
 * (only the result survives), offers `applyLayers`, and disposes the scope's variables.
 */
export function buildEncoder(config: EncoderConfig, outDim: number, scope: ParamScope, forward: Forward, where: string): Encoder {
  const [h, w, c] = config.inputShape;
  const checkImages = (images: tf.Tensor4D, method: string): void => {
    const s = images.shape;
    if (images.rank !== 4 || s[1] !== h || s[2] !== w || s[3] !== c) {
      throw new InputError(`${where}.${method} images`, `shape [batch, ${h}, ${w}, ${c}]`, `[${s.join(', ')}]`);
    }
  };
  return {
    config,
    outDim,
    variables: scope.variables,
    state: scope.state,
    apply: (images, training) => {
      checkImages(images, 'apply');
      return tf.tidy(() => forward(images, training));
    },
    applyLayers: (images, training) => {
      checkImages(images, 'applyLayers');
      return tf.tidy(() => {
        const layers: Array<{ name: string; output: tf.Tensor }> = [];
        const out = forward(images, training, (name, output) => layers.push({ name, output }));
        if (layers.length === 0 || layers[layers.length - 1].output !== out) layers.push({ name: 'output', output: out });
        return layers;
      });
    },
    dispose: () => disposeScope(scope),
  };
}
