import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import type { ParamScope } from './param-scope';
import { channelAffine } from './per-example-tape';

/**
 * Group normalisation (Wu & He 2018): the channels split into `groups` groups, each
 * normalised with the mean and variance of one example's values in that group (over all
 * positions), then `gamma * x + beta` per channel. No batch statistics, so it is the norm
 * layer DP-SGD can use where a CNN had batch norm. One group is layer norm over
 * `(h, w, c)`; as many groups as channels is instance norm.
 */
export interface GroupNormLayer {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly channels: number;
  readonly groups: number;
  readonly epsilon: number;
}

/** Options of `createGroupNorm`. */
export interface GroupNormOptions {
  /** Number of groups; must divide the channels. Default 8 (fewer when the channels do not divide by 8: their largest divisor <= 8). */
  readonly groups: number;
  /** Added to the variance. Default 1e-5 (PyTorch). */
  readonly epsilon: number;
}

/** The largest divisor of `channels` that is at most `groups`. */
export function groupsFor(channels: number, groups: number): number {
  let g = Math.max(1, Math.min(groups, channels));
  while (channels % g !== 0) g--;
  return g;
}

/** Creates `scope/gamma` (ones) and `scope/beta` (zeros), both `[channels]`. */
export function createGroupNorm(scope: ParamScope, channels: number, options: Partial<GroupNormOptions> = {}): GroupNormLayer {
  const groups = options.groups ?? groupsFor(channels, 8);
  const epsilon = options.epsilon ?? 1e-5;
  if (!(Number.isInteger(groups) && groups >= 1 && channels % groups === 0)) {
    throw new InputError(`createGroupNorm ${scope.path} groups`, `a divisor of the ${channels} channels`, String(groups));
  }
  return {
    gamma: scope.variable('gamma', [channels], new Float32Array(channels).fill(1)),
    beta: scope.variable('beta', [channels], new Float32Array(channels)),
    channels,
    groups,
    epsilon,
  };
}

/** Applies group norm to `[batch, ..., channels]` (biased variance per example and group). */
export function applyGroupNorm<T extends tf.Tensor>(layer: GroupNormLayer, x: T): T {
  if (x.rank < 2 || x.shape[x.rank - 1] !== layer.channels) {
    throw new InputError(`applyGroupNorm ${layer.gamma.name} input`, `shape [batch, ..., ${layer.channels}]`, `[${x.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const batch = x.shape[0];
    const grouped = tf.reshape(x, [batch, -1, layer.groups, layer.channels / layer.groups]);
    const centered = tf.sub(grouped, tf.mean(grouped, [1, 3], true));
    const variance = tf.mean(tf.square(centered), [1, 3], true);
    const normed = tf.reshape(tf.mul(centered, tf.rsqrt(tf.add(variance, layer.epsilon))), x.shape);
    return channelAffine(normed, layer.gamma, layer.beta) as T;
  });
}
