import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { initValues, type InitKind } from './initializers';
import type { ParamScope } from './param-scope';
import { recordedMatMul, recordingPerExample } from './per-example-tape';

/** A fully connected layer: `y = x W + b`, `W` of shape `[inDim, outDim]`. */
export interface DenseLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly inDim: number;
  readonly outDim: number;
}

/** Options of `createDense`. */
export interface DenseOptions {
  /** Add a bias (initialised to zero). Default true. */
  readonly bias: boolean;
  /** Kernel initialisation. Default `glorot-uniform`; use `he-normal` before relu. */
  readonly init: InitKind;
}

/** Defaults of `createDense`. */
export const defaultDenseOptions: DenseOptions = { bias: true, init: 'glorot-uniform' };

/** Creates `scope/kernel` `[inDim, outDim]` and `scope/bias` `[outDim]` from `scope.rng`. */
export function createDense(scope: ParamScope, inDim: number, outDim: number, options: Partial<DenseOptions> = {}): DenseLayer {
  const { bias, init } = { ...defaultDenseOptions, ...options };
  const kernel = scope.variable(
    'kernel',
    [inDim, outDim],
    initValues(init, inDim * outDim, { fanIn: inDim, fanOut: outDim }, scope.rng),
  );
  const b = bias ? scope.variable('bias', [outDim], new Float32Array(outDim)) : null;
  return { kernel, bias: b, inDim, outDim };
}

/**
 * Applies a dense layer: `[..., inDim]` -> `[..., outDim]`. Inputs of rank > 2 are
 * reshaped to 2-D first (one plain matMul: fast on wasm, and its gradient works). The
 * first axis is the batch (or stacked views of it): under a per-example tape the layer
 * records each example's gradient information by it.
 */
export function applyDense(layer: DenseLayer, x: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.rank - 1];
  if (x.rank < 2 || inDim !== layer.inDim) {
    throw new InputError(`applyDense ${layer.kernel.name} input`, `shape [..., ${layer.inDim}]`, `[${x.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
    let y: tf.Tensor;
    if (recordingPerExample()) y = recordedMatMul(flat, layer.kernel, layer.bias, x.shape[0]);
    else {
      y = tf.matMul(flat, layer.kernel as tf.Tensor2D);
      if (layer.bias) y = tf.add(y, layer.bias);
    }
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), layer.outDim]);
  });
}
