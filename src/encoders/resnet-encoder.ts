import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { buildEncoder } from './build-encoder';
import { applyConv2D, createConv2D, type Conv2DLayer } from './conv2d';
import { applyDense, createDense, type DenseLayer } from './dense';
import type { Encoder, EncoderConfig } from './encoder';
import { globalAveragePool } from './global-average-pool';
import { createParamScope, type ParamScope } from './param-scope';
import { createNorm, normKinds, normScopeName, type NormKind, type NormLayer } from './norm-layer';
import {
  checkChoice,
  checkInputShape,
  checkInt,
  checkIntList,
  checkName,
  checkNumber,
  checkPositiveInt,
  mergeOptions,
} from '../util/options';

/** Options of `resnetEncoder`. */
export interface ResnetEncoderOptions {
  /** `[height, width, channels]`. Default `[32, 32, 3]` (CIFAR-10). */
  readonly inputShape: readonly [number, number, number];
  /** Channels of each stage; stage i > 1 halves the resolution. Default `[32, 64, 128]`. */
  readonly widths: readonly number[];
  /** Residual blocks per stage (same length as `widths`, entries >= 0). Default `[1, 1, 1]`. */
  readonly blocks: readonly number[];
  /** Downsampling between stages: 2x2 max-pool after the transition conv, or a stride-2 conv. Default `maxpool`. */
  readonly downsample: 'maxpool' | 'stride';
  /** Linear head on the pooled features, or `null` for none (outDim = last width). Default `null`. */
  readonly outDim: number | null;
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

/** Defaults of `resnetEncoder`: a small ResNet9-like CNN for 32x32x3. */
export const defaultResnetEncoderOptions: ResnetEncoderOptions = {
  inputShape: [32, 32, 3],
  widths: [32, 64, 128],
  blocks: [1, 1, 1],
  downsample: 'maxpool',
  outDim: null,
  norm: 'batch',
  normGroups: 8,
  batchNormMomentum: 0.9,
  seed: 0,
  name: 'encoder',
};

/** Checks and fills in `resnetEncoder` options; returns the config with `kind: 'resnet'`. */
export function resnetEncoderConfig(options: Partial<ResnetEncoderOptions> = {}): ResnetEncoderOptions & EncoderConfig {
  const where = 'resnetEncoder options';
  const o = mergeOptions(defaultResnetEncoderOptions, options, where, 'resnet');
  const widths = checkIntList(o.widths, `${where}.widths`, { min: 1, minLength: 1 });
  const blocks = checkIntList(o.blocks, `${where}.blocks`, { min: 0 });
  if (blocks.length !== widths.length) {
    throw new InputError(`${where}.blocks`, `${widths.length} entries (one per width)`, `${blocks.length}`);
  }
  return {
    kind: 'resnet',
    inputShape: checkInputShape(o.inputShape, `${where}.inputShape`),
    widths,
    blocks,
    downsample: checkChoice(o.downsample, ['maxpool', 'stride'] as const, `${where}.downsample`),
    outDim: o.outDim === null ? null : checkPositiveInt(o.outDim, `${where}.outDim`),
    norm: checkChoice(o.norm, normKinds, `${where}.norm`),
    normGroups: checkPositiveInt(o.normGroups, `${where}.normGroups`),
    batchNormMomentum: checkNumber(o.batchNormMomentum, `${where}.batchNormMomentum`, { min: 0, max: 1 }),
    seed: checkInt(o.seed, `${where}.seed`),
    name: checkName(o.name, `${where}.name`),
  };
}

interface ConvBn {
  readonly conv: Conv2DLayer;
  readonly bn: NormLayer;
}

/** How the encoder normalises: the kind, batch-norm momentum and group-norm groups. */
interface NormChoice {
  readonly kind: NormKind;
  readonly momentum: number;
  readonly groups: number;
}

function createConvBn(scope: ParamScope, inChannels: number, outChannels: number, strides: number, norm: NormChoice, suffix: number | '' = ''): ConvBn {
  return {
    conv: createConv2D(scope.child(`conv${suffix}`), inChannels, outChannels, { strides }),
    bn: createNorm(scope.child(normScopeName(norm.kind, suffix)), outChannels, norm.kind, norm),
  };
}

function applyConvBn(layer: ConvBn, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return layer.bn.apply(applyConv2D(layer.conv, x), training);
}

/**
 * A small ResNet (He et al. 2016), ResNet9-like: stem `conv3x3 -> BN -> relu` to
 * `widths[0]`; each later stage starts with a transition `conv3x3 -> BN -> relu` to its
 * width plus 2x downsampling (max-pool or stride 2, `same` padding); every stage then has
 * `blocks[i]` residual blocks `relu(x + BN(conv(relu(BN(conv(x))))))`; global average
 * pool to `[batch, widths[last]]`; optional linear head to `[batch, outDim]`.
 * Variables `encoder/stem/{conv,bn}/...`, `encoder/stage2/down/...`,
 * `encoder/stage1/block1/{conv1,bn1,conv2,bn2}/...`, `encoder/head/...` (`norm` in place of
 * `bn` for group and layer norm).
 * Layers for `applyLayers`: `stem`, `stage1`, ..., `pool`, (`head`).
 */
export function resnetEncoder(options: Partial<ResnetEncoderOptions> = {}): Encoder {
  const config = resnetEncoderConfig(options);
  const norm: NormChoice = { kind: config.norm, momentum: config.batchNormMomentum, groups: config.normGroups };
  const scope = createParamScope(config.name, config.seed);
  const stem = createConvBn(scope.child('stem'), config.inputShape[2], config.widths[0], 1, norm);
  const stages: Array<{ down: ConvBn | null; blocks: Array<[ConvBn, ConvBn]> }> = [];
  config.widths.forEach((width, s) => {
    const stageScope = scope.child(`stage${s + 1}`);
    const down =
      s === 0
        ? null
        : createConvBn(stageScope.child('down'), config.widths[s - 1], width, config.downsample === 'stride' ? 2 : 1, norm);
    const blocks: Array<[ConvBn, ConvBn]> = [];
    for (let b = 0; b < config.blocks[s]; b++) {
      const blockScope = stageScope.child(`block${b + 1}`);
      const first = createConvBn(blockScope, width, width, 1, norm, 1);
      const second = createConvBn(blockScope, width, width, 1, norm, 2);
      blocks.push([first, second]);
    }
    stages.push({ down, blocks });
  });
  const last = config.widths[config.widths.length - 1];
  const head: DenseLayer | null = config.outDim === null ? null : createDense(scope.child('head'), last, config.outDim);
  return buildEncoder(
    config,
    config.outDim ?? last,
    scope,
    (images, training, emit) => {
      let x = tf.relu(applyConvBn(stem, images, training));
      emit?.('stem', x);
      stages.forEach(({ down, blocks }, s) => {
        if (down) {
          x = tf.relu(applyConvBn(down, x, training));
          if (config.downsample === 'maxpool') x = tf.maxPool(x, 2, 2, 'same');
        }
        for (const [first, second] of blocks) {
          const branch = applyConvBn(second, tf.relu(applyConvBn(first, x, training)), training);
          x = tf.relu(tf.add(x, branch) as tf.Tensor4D);
        }
        emit?.(`stage${s + 1}`, x);
      });
      let z = globalAveragePool(x);
      emit?.('pool', z);
      if (head) {
        z = applyDense(head, z) as tf.Tensor2D;
        emit?.('head', z);
      }
      return z;
    },
    'resnetEncoder',
  );
}
