import * as tf from '@tensorflow/tfjs-core';
import { applyDense, createDense } from '../encoders/dense';
import { initValues } from '../encoders/initializers';
import { applyLayerNorm, createLayerNorm } from '../encoders/layer-norm';
import { createParamScope, disposeScope } from '../encoders/param-scope';
import { repeatParameter } from '../encoders/per-example-tape';
import { applyTransformerBlock, createTransformerBlock } from '../encoders/transformer-block';
import { InputError } from '../util/errors';

/** Options of `maeDecoder`. */
export interface MaeDecoderOptions {
  /** Width of the encoder's tokens. */
  readonly inDim: number;
  /** Patch tokens of the full image. */
  readonly tokens: number;
  /** Values per patch to predict (patch * patch * channels). */
  readonly patchValues: number;
  /** Decoder token width. */
  readonly dim: number;
  /** Transformer blocks. */
  readonly depth: number;
  /** Attention heads (must divide `dim`). */
  readonly heads: number;
  /** MLP hidden width as a multiple of `dim`. */
  readonly mlpRatio: number;
  readonly seed: number;
  readonly name: string;
}

/** MAE's light decoder: visible encoded tokens -> predicted pixels of every patch. */
export interface MaeDecoder {
  readonly variables: readonly tf.Variable[];
  readonly state: readonly tf.Variable[];
  /**
   * `[batch, keep, inDim]` encoded visible tokens and their one-hot selection
   * `[batch, keep, tokens]` -> predicted patches `[batch, tokens, patchValues]`.
   */
  apply(visibleTokens: tf.Tensor3D, visible: tf.Tensor3D): tf.Tensor3D;
  dispose(): void;
}

/**
 * The decoder of MAE (He et al. 2022): a linear embedding of the visible tokens, a learned
 * mask token put at every masked position (the selection's transpose puts the visible
 * tokens back in place, so no gather is needed), learned position embeddings, `depth`
 * transformer blocks, layer norm, and a linear prediction of each patch's pixels.
 */
export function maeDecoder(options: MaeDecoderOptions): MaeDecoder {
  const { inDim, tokens, patchValues, dim, depth, heads, mlpRatio, seed, name } = options;
  if (dim % heads !== 0) throw new InputError('maeDecoder heads', `a divisor of dim ${dim}`, `${heads}`);
  const scope = createParamScope(name, seed);
  const embed = createDense(scope.child('embed'), inDim, dim);
  const maskToken = scope.variable('mask_token', [1, 1, dim], initValues('truncated-normal', dim, { fanIn: dim, fanOut: dim }, scope.rng.fork('mask_token')));
  const pos = scope.variable('pos', [1, tokens, dim], initValues('truncated-normal', tokens * dim, { fanIn: dim, fanOut: dim }, scope.rng.fork('pos')));
  const blocks = Array.from({ length: depth }, (_, i) => createTransformerBlock(scope.child(`block${i + 1}`), dim, heads, Math.round(mlpRatio * dim), 1e-6));
  const norm = createLayerNorm(scope.child('norm'), dim, { epsilon: 1e-6 });
  const predict = createDense(scope.child('predict'), dim, patchValues);
  return {
    variables: scope.variables,
    state: scope.state,
    apply: (visibleTokens, visible) =>
      tf.tidy(() => {
        const placed = tf.matMul(visible, applyDense(embed, visibleTokens) as tf.Tensor3D, true, false); // [batch, tokens, dim]
        const isMasked = tf.reshape(tf.sub(1, tf.sum(visible, 1)), [visible.shape[0], tokens, 1]);
        const batch = visible.shape[0];
        let x = tf.add(tf.add(placed, tf.mul(isMasked, repeatParameter(maskToken, batch))), repeatParameter(pos, batch)) as tf.Tensor3D;
        for (const block of blocks) x = applyTransformerBlock(block, x);
        return applyDense(predict, applyLayerNorm(norm, x)) as tf.Tensor3D;
      }),
    dispose: () => disposeScope(scope),
  };
}
