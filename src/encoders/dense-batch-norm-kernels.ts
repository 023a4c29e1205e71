import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels } from '../backend/custom-kernels';
import { nativeProducts } from '../backend/native/native-blas';
import { simdFunctions } from '../backend/simd/simd-module';
import { float32Input, offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';

/**
 * Training-mode batch norm of dense rows `x [n, c]` (the heads' batch norm) as two kernels of
 * the wasm backend where products run natively: the binding's `denseBatchNorm`, one call
 * forward and one back, with the float32 operations of the ops of `batch-norm.ts` in their
 * order (the column means as the Mean kernel takes them), hence the same bits. Built from
 * ops, the same is 15 kernels forward (with the running statistics) and 13 back.
 *
 * - `SslmemDenseBatchNorm`: (x, gamma, beta, movingMean, movingVariance; epsilon, momentum)
 *   -> [y, centered, invStd, newMean, newVariance].
 * - `SslmemDenseBatchNormGrad`: (dy, centered, invStd, gamma) -> [dx, dGamma, dBeta].
 *
 * Used where the ops' column means are our column sums (c a multiple of 4, n > 1, our SIMD
 * module loaded); elsewhere the ops run.
 */
export const denseBatchNormKernelName = 'SslmemDenseBatchNorm';
export const denseBatchNormGradKernelName = 'SslmemDenseBatchNormGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const input = (args: Args, name: string): tf.TensorInfo => float32Input(args, denseBatchNormKernelName, name);

/** Calls the binding: op 0 forward, op 1 gradient; `operands` in its order. */
function call(backend: BackendWasm, op: 0 | 1, n: number, c: number, scalars: number[], operands: tf.TensorInfo[]): void {
  const native = nativeProducts()?.denseBatchNorm;
  if (native === undefined) throw new Error(`${denseBatchNormKernelName}: the native binding with denseBatchNorm is not in use`);
  native(wholeHeapF32(backend), op, n, c, Float64Array.from(scalars), Int32Array.from(operands, (info) => offsetOf(backend, info) >> 2));
}

function forward(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const [n, c] = x.shape;
  const epsilon = Number(args.attrs?.epsilon);
  const m = Number(args.attrs?.momentum);
  const unbias = n > 1 ? n / (n - 1) : 1;
  const outputs = [x.shape, x.shape, [c], [c], [c]].map((shape) => backend.makeOutput(shape, 'float32'));
  const inputs = ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'].map((name) => input(args, name));
  // The scalars as the ops make them: float32 numbers, and the Mean kernel's 1 / n in double.
  call(backend, 0, n, c, [Math.fround(epsilon), Math.fround(m), Math.fround(1 - m), Math.fround((1 - m) * unbias), 1 / n], [...inputs, ...outputs]);
  return outputs;
}

function gradient(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const dy = input(args, 'dy');
  const [n, c] = dy.shape;
  const outputs = [dy.shape, [c], [c]].map((shape) => backend.makeOutput(shape, 'float32'));
  const inputs = ['dy', 'centered', 'invStd', 'gamma'].map((name) => input(args, name));
  call(backend, 1, n, c, [Math.fround(n)], [...inputs, ...outputs]);
  return outputs;
}

/** The kernel configs. */
export const denseBatchNormKernels: readonly tf.KernelConfig[] = [
  { kernelName: denseBatchNormKernelName, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc },
  { kernelName: denseBatchNormGradKernelName, backendName: 'wasm', kernelFunc: gradient as unknown as tf.KernelFunc },
];

registerMissingKernels(denseBatchNormKernels);

/** Whether rows `[n, c]` take the kernels here: the active backend has them, the binding is in use, and the ops' means would be our column sums. */
export function denseBatchNormByKernelsApplies(n: number, c: number): boolean {
  return (
    n > 1 &&
    c % 4 === 0 &&
    activeBackendHas(denseBatchNormKernelName, denseBatchNormGradKernelName) &&
    nativeProducts()?.denseBatchNorm !== undefined &&
    simdFunctions(tf.backend() as BackendWasm) !== null
  );
}

/**
 * Training-mode batch norm of `flat [n, c]` by the kernels (call only where
 * `denseBatchNormByKernelsApplies`): `y`, differentiable in x, gamma and beta, and the new
 * running statistics (kept: the caller assigns and disposes them).
 */
export function denseBatchNormByKernels(
  flat: tf.Tensor2D, gamma: tf.Variable, beta: tf.Variable, movingMean: tf.Variable, movingVariance: tf.Variable, epsilon: number, momentum: number,
): { y: tf.Tensor2D; newMean: tf.Tensor; newVariance: tf.Tensor } {
  let stats: tf.Tensor[] = [];
  const y = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [out, centered, invStd, newMean, newVariance] = tf.engine().runKernel(denseBatchNormKernelName, { x, gamma: g, beta: b, movingMean, movingVariance }, { epsilon, momentum }) as tf.Tensor[];
    save([centered, invStd, g]);
    stats = [tf.keep(newMean), tf.keep(newVariance)];
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xc, s, gam] = saved;
        return tf.engine().runKernel(denseBatchNormGradKernelName, { dy, centered: xc, invStd: s, gamma: gam }) as tf.Tensor[];
      },
    };
  })(flat, gamma, beta) as tf.Tensor2D;
  return { y, newMean: stats[0], newVariance: stats[1] };
}
