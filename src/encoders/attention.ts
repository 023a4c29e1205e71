import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { applyDense, createDense, type DenseLayer } from './dense';
import type { InitKind } from './initializers';
import type { ParamScope } from './param-scope';

/**
 * Multi-head self-attention (Vaswani et al. 2017): one `qkv` projection `[dim, 3 dim]`,
 * `heads` heads of size `dim / heads`, an output projection `[dim, dim]`.
 */
export interface MultiHeadAttentionLayer {
  readonly qkv: DenseLayer;
  readonly proj: DenseLayer;
  readonly dim: number;
  readonly heads: number;
  readonly headDim: number;
}

/** Options of `createMultiHeadAttention`. */
export interface MultiHeadAttentionOptions {
  /** Biases on the qkv and output projections. Default true. */
  readonly bias: boolean;
  /** Kernel initialisation. Default `glorot-uniform`. */
  readonly init: InitKind;
}

/** Defaults of `createMultiHeadAttention`. */
export const defaultMultiHeadAttentionOptions: MultiHeadAttentionOptions = { bias: true, init: 'glorot-uniform' };

/** Creates `scope/qkv/{kernel,bias}` and `scope/proj/{kernel,bias}`; `dim` must divide by `heads`. */
export function createMultiHeadAttention(
  scope: ParamScope,
  dim: number,
  heads: number,
  options: Partial<MultiHeadAttentionOptions> = {},
): MultiHeadAttentionLayer {
  if (dim % heads !== 0) {
    throw new InputError(`createMultiHeadAttention ${scope.path} heads`, `a divisor of dim ${dim}`, `${heads}`);
  }
  const o = { ...defaultMultiHeadAttentionOptions, ...options };
  return {
    qkv: createDense(scope.child('qkv'), dim, 3 * dim, o),
    proj: createDense(scope.child('proj'), dim, dim, o),
    dim,
    heads,
    headDim: dim / heads,
  };
}

/**
 * Softmax attention on head-major batches: `q, k` `[groups, tokens, d]`, `v`
 * `[groups, tokens, dv]` -> `[groups, tokens, dv]`, `softmax(q k^T / sqrt(d)) v`.
 * Uses batched `tf.matMul` (groups = batch x heads), whose gradient works.
 */
export function scaledDotProductAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = tf.mul(q, 1 / Math.sqrt(q.shape[2])) as tf.Tensor3D;
    const weights = tf.softmax(tf.matMul(scaled, k, false, true));
    return tf.matMul(weights, v);
  });
}

/** `[batch * tokens, heads * d]` -> `[batch * heads, tokens, d]`. */
function splitHeads(x: tf.Tensor, batch: number, tokens: number, heads: number): tf.Tensor3D {
  const d = x.shape[x.rank - 1] / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, tokens, heads, d]), [0, 2, 1, 3]), [batch * heads, tokens, d]);
}

/** `[batch * heads, tokens, d]` -> `[batch * tokens, heads * d]`. */
function mergeHeads(x: tf.Tensor3D, batch: number, heads: number): tf.Tensor2D {
  const [, tokens, d] = x.shape;
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, heads, tokens, d]), [0, 2, 1, 3]), [batch * tokens, heads * d]);
}

/**
 * Self-attention over tokens: `[batch, tokens, dim]` -> `[batch, tokens, dim]`. Dense
 * projections run on the tokens (flattened to 2-D inside `applyDense`); heads are separated with reshape,
 * rank-4 transpose and split (no StridedSlice or Einsum, so every op has a gradient).
 */
export function applyMultiHeadAttention(layer: MultiHeadAttentionLayer, x: tf.Tensor3D): tf.Tensor3D {
  if (x.rank !== 3 || x.shape[2] !== layer.dim) {
    throw new InputError(`applyMultiHeadAttention ${layer.qkv.kernel.name} input`, `shape [batch, tokens, ${layer.dim}]`, `[${x.shape.join(', ')}]`);
  }
  const [batch, tokens] = x.shape;
  return tf.tidy(() => {
    const qkv = applyDense(layer.qkv, x); // 3-D in, so per-example gradients know each row's example
    const [q, k, v] = tf.split(qkv, 3, 2).map((t) => splitHeads(t, batch, tokens, layer.heads));
    const heads = scaledDotProductAttention(q, k, v);
    return applyDense(layer.proj, tf.reshape(mergeHeads(heads, batch, layer.heads), [batch, tokens, layer.dim])) as tf.Tensor3D;
  });
}
