import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import type { ParamScope } from './param-scope';
import { channelAffine, recordingPerExample } from './per-example-tape';
import { layerNormByKernels, layerNormByKernelsApplies } from './layer-norm-kernels';

/**
 * Layer normalisation over the last axis (Ba et al. 2016):
 * `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, statistics per row.
 */
export interface LayerNormLayer {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly dim: number;
  readonly epsilon: number;
}

/** Options of `createLayerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance. Default 1e-5 (PyTorch); ViTs often use 1e-6. */
  readonly epsilon: number;
}

/** Defaults of `createLayerNorm`. */
export const defaultLayerNormOptions: LayerNormOptions = { epsilon: 1e-5 };

/** Creates `scope/gamma` (ones) and `scope/beta` (zeros), both `[dim]`. */
export function createLayerNorm(scope: ParamScope, dim: number, options: Partial<LayerNormOptions> = {}): LayerNormLayer {
  const { epsilon } = { ...defaultLayerNormOptions, ...options };
  return {
    gamma: scope.variable('gamma', [dim], new Float32Array(dim).fill(1)),
    beta: scope.variable('beta', [dim], new Float32Array(dim)),
    dim,
    epsilon,
  };
}

/** Applies layer norm to `[..., dim]` (biased variance over the last axis). */
export function applyLayerNorm<T extends tf.Tensor>(layer: LayerNormLayer, x: T): T {
  if (x.rank < 1 || x.shape[x.rank - 1] !== layer.dim) {
    throw new InputError(`applyLayerNorm ${layer.gamma.name} input`, `shape [..., ${layer.dim}]`, `[${x.shape.join(', ')}]`);
  }
  // Where the binding has it, one kernel each way with the ops' bits (not while per-example
  // gradients are recorded: those go through `channelAffine`'s own gradient).
  if (!recordingPerExample() && layerNormByKernelsApplies(x)) return layerNormByKernels(x, layer.gamma, layer.beta, layer.epsilon);
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const centered = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(centered), axis, true);
    const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, layer.epsilon)));
    return channelAffine(normed, layer.gamma, layer.beta) as T;
  });
}
