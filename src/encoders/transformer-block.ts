import * as tf from '@tensorflow/tfjs-core';
import { applyMultiHeadAttention, createMultiHeadAttention, type MultiHeadAttentionLayer } from './attention';
import { applyDense, createDense, type DenseLayer } from './dense';
import { gelu } from './gelu';
import { applyLayerNorm, createLayerNorm, type LayerNormLayer } from './layer-norm';
import type { ParamScope } from './param-scope';

/** A pre-norm transformer block: `x += MHSA(LN(x)); x += MLP(LN(x))` with a gelu MLP. */
export interface TransformerBlock {
  readonly norm1: LayerNormLayer;
  readonly attn: MultiHeadAttentionLayer;
  readonly norm2: LayerNormLayer;
  readonly fc1: DenseLayer;
  readonly fc2: DenseLayer;
}

/** Creates `scope/{norm1, attn/qkv, attn/proj, norm2, mlp/fc1, mlp/fc2}` (in that order). */
export function createTransformerBlock(scope: ParamScope, dim: number, heads: number, hiddenDim: number, epsilon: number): TransformerBlock {
  return {
    norm1: createLayerNorm(scope.child('norm1'), dim, { epsilon }),
    attn: createMultiHeadAttention(scope.child('attn'), dim, heads),
    norm2: createLayerNorm(scope.child('norm2'), dim, { epsilon }),
    fc1: createDense(scope.child('mlp').child('fc1'), dim, hiddenDim),
    fc2: createDense(scope.child('mlp').child('fc2'), hiddenDim, dim),
  };
}

/** Applies a block to tokens `[batch, tokens, dim]`; `drop` is applied to both residual branches (dropout in training). */
export function applyTransformerBlock(block: TransformerBlock, x: tf.Tensor3D, drop: <T extends tf.Tensor>(t: T) => T = (t) => t): tf.Tensor3D {
  return tf.tidy(() => {
    const y = tf.add(x, drop(applyMultiHeadAttention(block.attn, applyLayerNorm(block.norm1, x)))) as tf.Tensor3D;
    const hidden = gelu(applyDense(block.fc1, applyLayerNorm(block.norm2, y)));
    return tf.add(y, drop(applyDense(block.fc2, hidden) as tf.Tensor3D)) as tf.Tensor3D;
  });
}
