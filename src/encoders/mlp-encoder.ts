import * as tf from '@tensorflow/tfjs-core';
import { activate, activations, type Activation } from './activation';
import { buildEncoder } from './build-encoder';
import { applyDense, createDense, type DenseLayer } from './dense';
import type { Encoder, EncoderConfig } from './encoder';
import { createNorm, normKinds, normScopeName, type NormKind, type NormLayer } from './norm-layer';
import { createParamScope } from './param-scope';
import {
  checkBoolean,
  checkChoice,
  checkInputShape,
  checkInt,
  checkIntList,
  checkName,
  checkNumber,
  checkPositiveInt,
  mergeOptions,
} from '../util/options';

/** Options of `mlpEncoder`. */
export interface MlpEncoderOptions {
  /** `[height, width, channels]`; images are flattened. Default `[28, 28, 1]` (MNIST). */
  readonly inputShape: readonly [number, number, number];
  /** Hidden layer widths. Default `[512, 512]`. */
  readonly hidden: readonly number[];
  /** Representation size (last layer, linear). Default 128. */
  readonly outDim: number;
  /** Hidden nonlinearity. Default `relu`. */
  readonly activation: Activation;
  /** Batch norm after each hidden dense layer (whose bias is then dropped). Default false. */
  readonly batchNorm: boolean;
  /** The kind of norm `batchNorm` puts there: `batch` (default), or `layer`/`group`, which keep the examples apart (DP-SGD). */
  readonly norm: NormKind;
  /** Batch-norm momentum (weight of the old running value). Default 0.9. */
  readonly batchNormMomentum: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed: number;
  /** Root of the variable names. Default `encoder`. */
  readonly name: string;
}

/** Defaults of `mlpEncoder`: the paper pilot's 784-512-512-128 relu MLP. */
export const defaultMlpEncoderOptions: MlpEncoderOptions = {
  inputShape: [28, 28, 1],
  hidden: [512, 512],
  outDim: 128,
  activation: 'relu',
  batchNorm: false,
  norm: 'batch',
  batchNormMomentum: 0.9,
  seed: 0,
  name: 'encoder',
};

/** Checks and fills in `mlpEncoder` options; returns the config with `kind: 'mlp'`. */
export function mlpEncoderConfig(options: Partial<MlpEncoderOptions> = {}): MlpEncoderOptions & EncoderConfig {
  const where = 'mlpEncoder options';
  const o = mergeOptions(defaultMlpEncoderOptions, options, where, 'mlp');
  return {
    kind: 'mlp',
    inputShape: checkInputShape(o.inputShape, `${where}.inputShape`),
    hidden: checkIntList(o.hidden, `${where}.hidden`, { min: 1 }),
    outDim: checkPositiveInt(o.outDim, `${where}.outDim`),
    activation: checkChoice(o.activation, activations, `${where}.activation`),
    batchNorm: checkBoolean(o.batchNorm, `${where}.batchNorm`),
    norm: checkChoice(o.norm, normKinds, `${where}.norm`),
    batchNormMomentum: checkNumber(o.batchNormMomentum, `${where}.batchNormMomentum`, { min: 0, max: 1 }),
    seed: checkInt(o.seed, `${where}.seed`),
    name: checkName(o.name, `${where}.name`),
  };
}

/**
 * A multilayer perceptron encoder: flatten `[batch, h, w, c]` -> `[batch, h*w*c]`, then
 * `dense -> (batch norm) -> activation` per hidden width, then a linear `dense` to
 * `[batch, outDim]`. Variables `encoder/dense1/{kernel,bias}`, ..., `encoder/bn1/...`,
 * `encoder/out/{kernel,bias}`. Layers for `applyLayers`: `hidden1`, ..., `out`.
 */
export function mlpEncoder(options: Partial<MlpEncoderOptions> = {}): Encoder {
  const config = mlpEncoderConfig(options);
  const [h, w, c] = config.inputShape;
  const inDim = h * w * c;
  const scope = createParamScope(config.name, config.seed);
  const hidden: Array<{ dense: DenseLayer; bn: NormLayer | null }> = [];
  let width = inDim;
  config.hidden.forEach((units, i) => {
    const dense = createDense(scope.child(`dense${i + 1}`), width, units, { init: 'he-normal', bias: !config.batchNorm });
    const bn = config.batchNorm
      ? createNorm(scope.child(normScopeName(config.norm, i + 1)), units, config.norm, { momentum: config.batchNormMomentum })
      : null;
    hidden.push({ dense, bn });
    width = units;
  });
  const out = createDense(scope.child('out'), width, config.outDim, { init: 'glorot-uniform' });
  return buildEncoder(
    config,
    config.outDim,
    scope,
    (images, training, emit) => {
      let x: tf.Tensor = tf.reshape(images, [images.shape[0], inDim]);
      hidden.forEach(({ dense, bn }, i) => {
        x = applyDense(dense, x);
        if (bn) x = bn.apply(x, training);
        x = activate(x, config.activation);
        emit?.(`hidden${i + 1}`, x);
      });
      const z = applyDense(out, x) as tf.Tensor2D;
      emit?.('out', z);
      return z;
    },
    'mlpEncoder',
  );
}
