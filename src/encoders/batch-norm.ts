import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import type { ParamScope } from './param-scope';
import { refuseUnderPerExampleTape } from './per-example-tape';
import { batchNormByKernels, hasBatchNormKernels } from './batch-norm-kernels';
import { denseBatchNormByKernels, denseBatchNormByKernelsApplies } from './dense-batch-norm-kernels';

/**
 * Batch normalisation over all axes but the last (Ioffe & Szegedy 2015):
 * `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, with running statistics kept in
 * non-trainable variables.
 */
export interface BatchNormLayer {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  /** Running mean `[channels]` (state). */
  readonly movingMean: tf.Variable;
  /** Running variance `[channels]` (state). */
  readonly movingVariance: tf.Variable;
  readonly channels: number;
  readonly momentum: number;
  readonly epsilon: number;
}

/** Options of `createBatchNorm`. */
export interface BatchNormOptions {
  /**
   * Weight of the old running value (Keras convention):
   * `running = momentum * running + (1 - momentum) * batch`. Default 0.9, which is
   * PyTorch's `momentum=0.1`.
   */
  readonly momentum: number;
  /** Added to the variance. Default 1e-5 (PyTorch). */
  readonly epsilon: number;
}

/** Defaults of `createBatchNorm`. */
export const defaultBatchNormOptions: BatchNormOptions = { momentum: 0.9, epsilon: 1e-5 };

/** Creates `scope/gamma`, `scope/beta` (trainable) and `scope/moving_mean`, `scope/moving_variance` (state). */
export function createBatchNorm(scope: ParamScope, channels: number, options: Partial<BatchNormOptions> = {}): BatchNormLayer {
  const { momentum, epsilon } = { ...defaultBatchNormOptions, ...options };
  const ones = new Float32Array(channels).fill(1);
  return {
    gamma: scope.variable('gamma', [channels], ones),
    beta: scope.variable('beta', [channels], new Float32Array(channels)),
    movingMean: scope.variable('moving_mean', [channels], new Float32Array(channels), false),
    movingVariance: scope.variable('moving_variance', [channels], ones.slice(), false),
    channels,
    momentum,
    epsilon,
  };
}

/**
 * Applies batch norm to `[..., channels]`. Training mode normalises with the batch's
 * mean and (biased) variance and updates the running statistics in place (the running
 * variance takes the unbiased batch variance, as PyTorch does); eval mode uses the
 * running statistics. Built from plain ops, so its gradient works on every backend.
 */
export function applyBatchNorm<T extends tf.Tensor>(layer: BatchNormLayer, x: T, training: boolean): T {
  const channels = x.shape[x.rank - 1];
  if (x.rank < 2 || channels !== layer.channels) {
    throw new InputError(`applyBatchNorm ${layer.gamma.name} input`, `shape [..., ${layer.channels}]`, `[${x.shape.join(', ')}]`);
  }
  if (training) refuseUnderPerExampleTape(`batch norm ${layer.gamma.name.replace(/\/gamma$/, '')}`, 'layer norm or group norm: a `norm` option of "layer" or "group"');
  return tf.tidy(() => {
    if (!training) {
      const scale = tf.mul(layer.gamma, tf.rsqrt(tf.add(layer.movingVariance, layer.epsilon)));
      const shift = tf.sub(layer.beta, tf.mul(layer.movingMean, scale));
      return tf.add(tf.mul(x, scale), shift) as T;
    }
    // Rows of dense layers (the heads) in one kernel each way where products run natively,
    // with the ops' arithmetic (the same bits: their runs were made with it).
    if (x.rank === 2 && x.dtype === 'float32' && denseBatchNormByKernelsApplies(x.shape[0], channels)) {
      const { y, newMean, newVariance } = denseBatchNormByKernels(x as unknown as tf.Tensor2D, layer.gamma, layer.beta, layer.movingMean, layer.movingVariance, layer.epsilon, layer.momentum);
      layer.movingMean.assign(newMean);
      layer.movingVariance.assign(newVariance);
      tf.dispose([newMean, newVariance]);
      return y as unknown as T;
    }
    // Feature maps of convolutions by the fused kernels where the backend has them (wasm);
    // elsewhere the ops.
    const { y, mean, variance } =
      x.rank === 4 && hasBatchNormKernels()
        ? fusedBatchNorm(x, layer.gamma, layer.beta, layer.epsilon)
        : trainingBatchNorm(x, layer.gamma, layer.beta, layer.epsilon);
    const n = x.size / channels;
    const m = layer.momentum;
    const unbias = n > 1 ? n / (n - 1) : 1;
    const newMean = tf.add(tf.mul(layer.movingMean, m), tf.mul(mean, 1 - m));
    const newVariance = tf.add(tf.mul(layer.movingVariance, m), tf.mul(variance, (1 - m) * unbias));
    layer.movingMean.assign(newMean);
    layer.movingVariance.assign(newVariance);
    return y as T;
  });
}

/** `trainingBatchNorm` by the fused kernels of `batch-norm-kernels.ts`. */
function fusedBatchNorm(x: tf.Tensor, gamma: tf.Variable, beta: tf.Variable, epsilon: number): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const channels = x.shape[x.rank - 1];
  const { y, mean, variance } = batchNormByKernels(tf.reshape(x, [-1, channels]) as tf.Tensor2D, gamma, beta, epsilon);
  return { y: tf.reshape(y, x.shape), mean, variance };
}

/**
 * Training-mode batch norm with a hand-written gradient: returns `y` and the batch
 * statistics (mean and biased variance over all axes but the last). The backward pass,
 * with `xc = x - mean`, `s = 1 / sqrt(var + eps)` and N values per channel, is
 * `dbeta = sum(dy)`, `dgamma = s * sum(dy * xc)` and
 * `dx = gamma * s * (dy - dbeta / N - xc * s^2 * sum(dy * xc) / N)`:
 * six full-size ops where differentiating the forward ops gives about fifteen.
 */
function trainingBatchNorm(x: tf.Tensor, gamma: tf.Variable, beta: tf.Variable, epsilon: number): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const channels = x.shape[x.rank - 1];
  const flat = tf.reshape(x, [-1, channels]) as tf.Tensor2D;
  const n = flat.shape[0];
  const mean = tf.mean(flat, 0);
  const centered = tf.sub(flat, mean);
  const variance = tf.mean(tf.square(centered), 0);
  // Inputs (flat, gamma, beta): the forward reuses `centered` rather than its first input.
  const forward = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [g, b, save] = args.slice(1) as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const scale = tf.mul(g, invStd);
    save([centered, invStd, g]);
    return {
      value: tf.add(tf.mul(centered, scale), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xc, s, gam] = saved;
        const dBeta = tf.sum(dy, 0);
        const dyXc = tf.sum(tf.mul(dy, xc), 0);
        const dGamma = tf.mul(dyXc, s);
        const k = tf.mul(tf.square(s), tf.div(dyXc, n));
        const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xc, k)), tf.mul(gam, s));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = tf.reshape(forward(flat, gamma, beta), x.shape);
  return { y, mean, variance };
}
