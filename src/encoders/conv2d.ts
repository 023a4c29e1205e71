import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { initValues, type InitKind } from './initializers';
import type { ParamScope } from './param-scope';
import { addBias, recordGradient, recordingPerExample } from './per-example-tape';

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
    const y = recordingPerExample() ? recordedConv2D(layer, x) : tf.conv2d(x, layer.kernel as tf.Tensor4D, layer.strides, layer.padding);
    return layer.bias ? addBias(y, layer.bias) : y;
  });
}

/** Output side and padding before the first row of a conv axis (TensorFlow's `same`/`valid` rules). */
function convAxis(size: number, k: number, stride: number, padding: 'same' | 'valid'): { out: number; before: number; total: number } {
  if (padding === 'valid') return { out: Math.ceil((size - k + 1) / stride), before: 0, total: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return { out, before: Math.floor(total / 2), total };
}

/**
 * The patches a conv kernel sees, `[batch * outH * outW, k * k * inChannels]` in the
 * kernel's `(row, col, channel)` order (im2col), so that the conv is `patches @ kernel`.
 */
export function convPatches(x: tf.Tensor4D, k: number, stride: number, padding: 'same' | 'valid'): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, h, w, c] = x.shape;
    const rows = convAxis(h, k, stride, padding);
    const cols = convAxis(w, k, stride, padding);
    const padded =
      rows.total > 0 || cols.total > 0
        ? tf.pad(x, [
            [0, 0],
            [rows.before, rows.total - rows.before],
            [cols.before, cols.total - cols.before],
            [0, 0],
          ])
        : x;
    const parts: tf.Tensor4D[] = [];
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const end = [batch, a + (rows.out - 1) * stride + 1, b + (cols.out - 1) * stride + 1, c];
        parts.push(
          stride === 1
            ? tf.slice(padded, [0, a, b, 0], [batch, rows.out, cols.out, c])
            : (tf.stridedSlice(padded, [0, a, b, 0], end, [1, stride, stride, 1]) as tf.Tensor4D),
        );
      }
    }
    return tf.reshape(parts.length === 1 ? parts[0] : tf.concat(parts, 3), [batch * rows.out * cols.out, k * k * c]);
  });
}

/**
 * The conv under a per-example tape: the kernel's record is its im2col patches and the
 * output gradient (`outer`), so each example's kernel gradient is `patches_i^T dy_i`.
 * Its kernel gradient is zero (rebuilt, clipped, from the tape).
 */
function recordedConv2D(layer: Conv2DLayer, x: tf.Tensor4D): tf.Tensor4D {
  const { kernelSize: k, strides, padding, outChannels } = layer;
  const kernel = layer.kernel;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: tf.conv2d(input, w, strides, padding),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const d = tf.reshape(dy, [-1, outChannels]) as tf.Tensor2D;
        recordGradient(kernel, { kind: 'outer', x: convPatches(xs, k, strides, padding), d, leading: xs.shape[0] });
        return [tf.conv2dTranspose(dy as tf.Tensor4D, ws, xs.shape, strides, padding), tf.zerosLike(ws)];
      },
    };
  });
  return f(x, kernel) as tf.Tensor4D;
}
