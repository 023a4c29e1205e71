import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels } from '../backend/custom-kernels';
import { nativeProducts, type NativeBlas } from '../backend/native/native-blas';
import { float32Input, offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';

/**
 * Training-mode batch norm of rows `x [n, c]` as three kernels for the `wasm` backend where
 * the native binding runs the products (its `batchNorm`, plain C), for the feature maps of
 * convolutional encoders: built from tfjs ops (`batch-norm.ts`) it is about six full passes
 * over the maps forward and ten backward, each a kernel of its own; here it is three forward
 * (the mean, the variance, the output) and two backward (the two sums, dx). Sums run in
 * double. (In JavaScript the same loops ran slower than the ops' wasm kernels.)
 *
 * - `SslmemBatchNormStats`: x -> [mean, variance] per channel, variance biased.
 * - `SslmemBatchNorm`: (x, mean, variance, gamma, beta; epsilon) -> y,
 *   `y = gamma * (x - mean) / sqrt(variance + epsilon) + beta`.
 * - `SslmemBatchNormGrad`: (x, dy, mean, variance, gamma; epsilon) -> [dx, dgamma, dbeta],
 *   with `xc = x - mean`, `s = 1 / sqrt(variance + epsilon)`: `dbeta = sum(dy)`,
 *   `dgamma = s * sum(dy * xc)`, `dx = gamma * s * (dy - dbeta / n - xc * s^2 * sum(dy * xc) / n)`.
 *
 * Our SIMD path, other backends and the cpu reference of the conformance suite keep the ops;
 * the native path's run keys name its BLAS (`Arithmetic.products`), so its runs are apart.
 */
export const batchNormStatsKernelName = 'SslmemBatchNormStats';
export const batchNormKernelName = 'SslmemBatchNorm';
export const batchNormGradKernelName = 'SslmemBatchNormGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const input = (args: Args, name: string): tf.TensorInfo => float32Input(args, batchNormKernelName, name);

/** Rows and channels of a `[n, c]` input. */
function rowsOf(x: tf.TensorInfo): [number, number] {
  if (x.shape.length !== 2) throw new Error(`${batchNormKernelName}: expected rows [n, c], found [${x.shape.join(', ')}]`);
  return [x.shape[0], x.shape[1]];
}

/** The native binding's batch norm, where products run natively (null otherwise). */
function nativeBatchNorm(): NonNullable<NativeBlas['batchNorm']> | null {
  return nativeProducts()?.batchNorm ?? null;
}

function wasmBatchNormStats(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const [n, c] = rowsOf(x);
  const meanOut = backend.makeOutput([c], 'float32');
  const varianceOut = backend.makeOutput([c], 'float32');
  callNative(backend, 0, n, c, 0, [x, meanOut, varianceOut]);
  return [meanOut, varianceOut];
}

function wasmBatchNorm(args: Args): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const [n, c] = rowsOf(x);
  const y = backend.makeOutput(x.shape, 'float32');
  const at = (name: string): tf.TensorInfo => input(args, name);
  callNative(backend, 1, n, c, Number(args.attrs?.epsilon), [x, at('mean'), at('variance'), at('gamma'), at('beta'), y]);
  return y;
}

function wasmBatchNormGrad(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const [n, c] = rowsOf(x);
  const dx = backend.makeOutput(x.shape, 'float32');
  const dGamma = backend.makeOutput([c], 'float32');
  const dBeta = backend.makeOutput([c], 'float32');
  const at = (name: string): tf.TensorInfo => input(args, name);
  callNative(backend, 2, n, c, Number(args.attrs?.epsilon), [x, at('mean'), at('variance'), at('gamma'), at('dy'), dx, dGamma, dBeta]);
  return [dx, dGamma, dBeta];
}

/** Runs op `op` of the binding's batch norm on tensors of the heap (after their allocation). */
function callNative(backend: BackendWasm, op: 0 | 1 | 2, n: number, c: number, epsilon: number, infos: readonly tf.TensorInfo[]): void {
  const batchNorm = nativeBatchNorm();
  if (batchNorm === null) throw new Error(`${batchNormKernelName}: the native binding's batchNorm is not in use (check hasBatchNormKernels() first)`);
  batchNorm(wholeHeapF32(backend), op, n, c, epsilon, Int32Array.from(infos, (info) => offsetOf(backend, info) >> 2));
}

/** The kernel configs (wasm only). */
export const batchNormKernels: readonly tf.KernelConfig[] = [
  { kernelName: batchNormStatsKernelName, backendName: 'wasm', kernelFunc: wasmBatchNormStats as unknown as tf.KernelFunc },
  { kernelName: batchNormKernelName, backendName: 'wasm', kernelFunc: wasmBatchNorm as unknown as tf.KernelFunc },
  { kernelName: batchNormGradKernelName, backendName: 'wasm', kernelFunc: wasmBatchNormGrad as unknown as tf.KernelFunc },
];

registerMissingKernels(batchNormKernels);

/** Whether the active backend has the kernels and they can run: wasm with the native binding's batchNorm in use. */
export function hasBatchNormKernels(): boolean {
  return nativeBatchNorm() !== null && activeBackendHas(batchNormStatsKernelName, batchNormKernelName, batchNormGradKernelName);
}

/**
 * Training-mode batch norm of rows `[n, c]` by the kernels (call only where
 * `hasBatchNormKernels()`): `y` (differentiable in x, gamma and beta), and the batch's mean
 * and biased variance (constants, as in `batch-norm.ts`).
 */
export function batchNormByKernels(flat: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const [mean, variance] = tf.engine().runKernel(batchNormStatsKernelName, { x: flat }) as tf.Tensor[];
  const forward = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, mean, variance, g]);
    return {
      value: tf.engine().runKernel(batchNormKernelName, { x, mean, variance, gamma: g, beta: b }, { epsilon }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, m, v, gam] = saved;
        return tf.engine().runKernel(batchNormGradKernelName, { x: xs, dy, mean: m, variance: v, gamma: gam }, { epsilon }) as tf.Tensor[];
      },
    };
  });
  return { y: forward(flat, gamma, beta), mean, variance };
}
