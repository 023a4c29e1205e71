import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { initValues, type InitKind } from './initializers';
import type { ParamScope } from './param-scope';

/** A 2-D convolution layer over NHWC images; kernel `[k, k, inChannels, outChannels]`. */
export interface Conv2DLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';
}

/** Options of `createConv2D`. */
export interface Conv2DOptions {
  /** Square kernel side. Default 3. */
  readonly kernelSize: number;
  /** Stride in both directions. Default 1. */
  readonly strides: number;
  /** `same` keeps `ceil(size / stride)`; `valid` drops the border. Default `same`. */
  readonly padding: 'same' | 'valid';
  /** Add a bias. Default false (convs here are followed by batch norm). */
  readonly bias: boolean;
  /** Kernel initialisation, fanIn = k*k*inChannels. Default `he-normal`. */
  readonly init: InitKind;
}

/** Defaults of `createConv2D`. */
export const defaultConv2DOptions: Conv2DOptions = {
  kernelSize: 3,
  strides: 1,
  padding: 'same',
  bias: false,
  init: 'he-normal',
};

/** Creates `scope/kernel` (and `scope/bias`) from `scope.rng`. */
export function createConv2D(
  scope: ParamScope,
  inChannels: number,
  outChannels: number,
  options: Partial<Conv2DOptions> = {},
): Conv2DLayer {
  const o = { ...defaultConv2DOptions, ...options };
  const k = o.kernelSize;
  const kernel = scope.variable(
    'kernel',
    [k, k, inChannels, outChannels],
    initValues(o.init, k * k * inChannels * outChannels, { fanIn: k * k * inChannels, fanOut: k * k * outChannels }, scope.rng),
  );
  const bias = o.bias ? scope.variable('bias', [outChannels], new Float32Array(outChannels)) : null;
  return { kernel, bias, inChannels, outChannels, kernelSize: k, strides: o.strides, padding: o.padding };
}

/** Applies a conv layer: `[batch, h, w, inChannels]` -> `[batch, h', w', outChannels]`. */
export function applyConv2D(layer: Conv2DLayer, x: tf.Tensor4D): tf.Tensor4D {
  if (x.rank !== 4 || x.shape[3] !== layer.inChannels) {
    throw new InputError(`applyConv2D ${layer.kernel.name} input`, `shape [batch, h, w, ${layer.inChannels}]`, `[${x.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const y = tf.conv2d(x, layer.kernel as tf.Tensor4D, layer.strides, layer.padding);
    return layer.bias ? tf.add(y, layer.bias) : y;
  });
}
