import * as tf from '@tensorflow/tfjs-core';
import { buildEncoder } from './build-encoder';
import { applyConv2D, createConv2D, type Conv2DLayer } from './conv2d';
import { applyDense, createDense } from './dense';
import type { Encoder, EncoderConfig } from './encoder';
import { globalAveragePool } from './global-average-pool';
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

/** Options of `cnnEncoder`. */
export interface CnnEncoderOptions {
  /** `[height, width, channels]`. Default `[32, 32, 3]` (CIFAR-10). */
  readonly inputShape: readonly [number, number, number];
  /** Filters of each 3x3 conv; every conv but the last is followed by a 2x2 max-pool. Default `[32, 64, 128]`. */
  readonly widths: readonly number[];
  /** Size of the final dense layer (the representation). Default 128. */
  readonly outDim: number;
  /** Biases on the convs (redundant before batch norm). Default false. */
  readonly convBias: boolean;
  /** Normalisation after each conv: `batch` (default), or `group`/`layer`, which keep the examples apart (DP-SGD). */
  readonly norm: NormKind;
  /** Groups of group norm (`norm: 'group'`; the largest divisor of each width up to this). Default 8. */
  readonly normGroups: number;
  /** Batch-norm momentum (weight of the old running value). Default 0.9. */
  readonly batchNormMomentum: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed: number;
  /** Root of the variable names. Default `encoder`. */
  readonly name: string;
}

/** Defaults of `cnnEncoder`: the issue-2 benchmark CNN on 32x32x3. */
export const defaultCnnEncoderOptions: CnnEncoderOptions = {
  inputShape: [32, 32, 3],
  widths: [32, 64, 128],
  outDim: 128,
  convBias: false,
  norm: 'batch',
  normGroups: 8,
  batchNormMomentum: 0.9,
  seed: 0,
  name: 'encoder',
};

/** Checks and fills in `cnnEncoder` options; returns the config with `kind: 'cnn'`. */
export function cnnEncoderConfig(options: Partial<CnnEncoderOptions> = {}): CnnEncoderOptions & EncoderConfig {
  const where = 'cnnEncoder options';
  const o = mergeOptions(defaultCnnEncoderOptions, options, where, 'cnn');
  return {
    kind: 'cnn',
    inputShape: checkInputShape(o.inputShape, `${where}.inputShape`),
    widths: checkIntList(o.widths, `${where}.widths`, { min: 1, minLength: 1 }),
    outDim: checkPositiveInt(o.outDim, `${where}.outDim`),
    convBias: checkBoolean(o.convBias, `${where}.convBias`),
    norm: checkChoice(o.norm, normKinds, `${where}.norm`),
    normGroups: checkPositiveInt(o.normGroups, `${where}.normGroups`),
    batchNormMomentum: checkNumber(o.batchNormMomentum, `${where}.batchNormMomentum`, { min: 0, max: 1 }),
    seed: checkInt(o.seed, `${where}.seed`),
    name: checkName(o.name, `${where}.name`),
  };
}

/**
 * The benchmark CNN: `[conv3x3 -> BN -> relu -> maxpool2] x (n - 1)`, then
 * `conv3x3 -> BN -> relu` (BN: the `norm` layer), global average pool, dense to `[batch, outDim]` (default
 * 32, 64, 128 filters and dense 128 on 32x32x3). Pools use `same` padding, so odd sizes
 * round up. Variables `encoder/conv1/kernel`, `encoder/bn1/...` (`encoder/norm1/...` for group and layer norm), ..., `encoder/dense/...`.
 * Layers for `applyLayers`: `block1`, ..., `pool`, `out`.
 */
export function cnnEncoder(options: Partial<CnnEncoderOptions> = {}): Encoder {
  const config = cnnEncoderConfig(options);
  const scope = createParamScope(config.name, config.seed);
  const blocks: Array<{ conv: Conv2DLayer; bn: NormLayer }> = [];
  let channels = config.inputShape[2];
  config.widths.forEach((filters, i) => {
    const conv = createConv2D(scope.child(`conv${i + 1}`), channels, filters, { bias: config.convBias });
    const bn = createNorm(scope.child(normScopeName(config.norm, i + 1)), filters, config.norm, { momentum: config.batchNormMomentum, groups: config.normGroups });
    blocks.push({ conv, bn });
    channels = filters;
  });
  const dense = createDense(scope.child('dense'), channels, config.outDim);
  return buildEncoder(
    config,
    config.outDim,
    scope,
    (images, training, emit) => {
      let x = images;
      blocks.forEach(({ conv, bn }, i) => {
        x = tf.relu(bn.apply(applyConv2D(conv, x), training));
        if (i < blocks.length - 1) x = tf.maxPool(x, 2, 2, 'same');
        emit?.(`block${i + 1}`, x);
      });
      const pooled = globalAveragePool(x);
      emit?.('pool', pooled);
      const z = applyDense(dense, pooled) as tf.Tensor2D;
      emit?.('out', z);
      return z;
    },
    'cnnEncoder',
  );
}
