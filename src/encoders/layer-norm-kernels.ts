import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels } from '../backend/custom-kernels';
import { nativeProducts } from '../backend/native/native-blas';
import { simdFunctions } from '../backend/simd/simd-module';
import { float32Input, offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';

/**
 * Layer norm over the last axis as two kernels of the wasm backend where products run
 * natively: the binding's `layerNorm`, one call forward and one back, with the float32
 * operations of `applyLayerNorm`'s ops and of the gradients the tape builds from them, in
 * their order, hence the same bits. Built from ops, the same is 9 kernels forward and about
 * 25 back. The backward pass takes `ve^1.5` from the shipped `Pow` kernel (as the tape's
 * gradient of `rsqrt` does), so its bits are that kernel's own.
 *
 * - `SslmemLayerNorm`: (x [rows, c], gamma, beta; epsilon) -> [y, centered, ve, rs, normed],
 *   `ve = var + epsilon` and `rs = 1 / sqrt(ve)` one per row.
 * - `SslmemLayerNormGrad`: (dy, gamma, centered, rs, normed, powv) -> [dx, dGamma, dBeta].
 *
 * Used where the ops' sums over rows are our column sums (c a multiple of 4, our SIMD module
 * loaded) and the binding has `layerNorm`; elsewhere the ops run.
 */
export const layerNormKernelName = 'SslmemLayerNorm';
export const layerNormGradKernelName = 'SslmemLayerNormGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const input = (args: Args, name: string): tf.TensorInfo => float32Input(args, layerNormKernelName, name);

/** Calls the binding: op 0 forward, op 1 gradient; `operands` in its order. */
function call(backend: BackendWasm, op: 0 | 1, rows: number, c: number, epsilon: number, operands: tf.TensorInfo[]): void {
  const native = nativeProducts()?.layerNorm;
  if (native === undefined) throw new Error(`${layerNormKernelName}: the native binding with layerNorm is not in use`);
  native(wholeHeapF32(backend), op, rows, c, epsilon, Int32Array.from(operands, (info) => offsetOf(backend, info) >> 2));
}

/** `[rows, c]` of an input whose last axis is c. */
function rowsOf(shape: readonly number[]): [number, number] {
  const c = shape[shape.length - 1];
  return [tf.util.sizeFromShape(shape as number[]) / c, c];
}

function forward(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const [rows, c] = rowsOf(x.shape);
  const rowShape = [...x.shape.slice(0, -1), 1];
  const outputs = [x.shape, x.shape, rowShape, rowShape, x.shape].map((shape) => backend.makeOutput(shape, 'float32'));
  const inputs = ['x', 'gamma', 'beta'].map((name) => input(args, name));
  // The epsilon as the op makes it: a float32 scalar.
  call(backend, 0, rows, c, Math.fround(Number(args.attrs?.epsilon)), [...inputs, ...outputs]);
  return outputs;
}

function gradient(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const dy = input(args, 'dy');
  const [rows, c] = rowsOf(dy.shape);
  const outputs = [dy.shape, [c], [c]].map((shape) => backend.makeOutput(shape, 'float32'));
  const inputs = ['dy', 'gamma', 'centered', 'rs', 'normed', 'powv'].map((name) => input(args, name));
  call(backend, 1, rows, c, 0, [...inputs, ...outputs]);
  return outputs;
}

/** The kernel configs. */
export const layerNormKernels: readonly tf.KernelConfig[] = [
  { kernelName: layerNormKernelName, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc },
  { kernelName: layerNormGradKernelName, backendName: 'wasm', kernelFunc: gradient as unknown as tf.KernelFunc },
];

registerMissingKernels(layerNormKernels);

/** Whether `x` (float32, last axis c) takes the kernels here: the active backend has them, the binding is in use, and the ops' sums over rows would be our column sums. */
export function layerNormByKernelsApplies(x: tf.Tensor): boolean {
  const c = x.shape[x.rank - 1];
  return (
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    c % 4 === 0 &&
    x.size > 0 &&
    activeBackendHas(layerNormKernelName, layerNormGradKernelName) &&
    nativeProducts()?.layerNorm !== undefined &&
    simdFunctions(tf.backend() as BackendWasm) !== null
  );
}

/** Layer norm of `x` by the kernels (call only where `layerNormByKernelsApplies`), differentiable in x, gamma and beta. */
export function layerNormByKernels<T extends tf.Tensor>(x: T, gamma: tf.Variable, beta: tf.Variable, epsilon: number): T {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, centered, ve, rs, normed] = tf.engine().runKernel(layerNormKernelName, { x: input, gamma: g, beta: b }, { epsilon }) as tf.Tensor[];
    save([g, centered, ve, rs, normed]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [gam, xc, v, s, n] = saved;
        return tf.tidy(() => {
          const powv = tf.pow(v, 1.5);
          return tf.engine().runKernel(layerNormGradKernelName, { dy, gamma: gam, centered: xc, rs: s, normed: n, powv }) as tf.Tensor[];
        });
      },
    };
  })(x, gamma, beta) as T;
}
