import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels } from '../backend/custom-kernels';
import { nativeProducts } from '../backend/native/native-blas';
import { float32Input, offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';

/**
 * `l2Normalize` (over the last axis) and `negativeCosineSimilarity` as kernels of the wasm
 * backend where products run natively: the binding's `l2norm` and `negcos`, one pass forward
 * and one back in C with the float32 operations of the ops and of their gradients in the same
 * order (a row's values summed in order, as the Sum kernel sums it), hence the same bits.
 * Built from ops, an L2 normalisation is 5 kernels forward and 15 back, a negative cosine
 * twice that and 17 more, each with the engine's work around it.
 *
 * - `SslmemL2Normalize`: x -> x / |x|; `SslmemL2NormalizeGrad`: (x, dy) -> dx.
 * - `SslmemNegativeCosine`: (p, z) -> the loss (a scalar); `SslmemNegativeCosineGrad`:
 *   (p, z, dy) -> [dp, dz].
 */
export const l2NormalizeKernelName = 'SslmemL2Normalize';
export const l2NormalizeGradKernelName = 'SslmemL2NormalizeGrad';
export const negativeCosineKernelName = 'SslmemNegativeCosine';
export const negativeCosineGradKernelName = 'SslmemNegativeCosineGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/** The inputs `names` (float32), the outputs of `shapes`, then the binding's `fn` on the rows of the first input. */
function run(args: Args, kernel: string, fn: 'l2norm' | 'negcos', op: 0 | 1, names: string[], shapes: (x: tf.TensorInfo) => number[][]): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const native = nativeProducts()?.[fn];
  if (native === undefined) throw new Error(`${kernel}: the native binding with ${fn} is not in use`);
  const inputs = names.map((name) => float32Input(args, kernel, name));
  const x = inputs[0];
  const outputs = shapes(x).map((shape) => backend.makeOutput(shape, 'float32'));
  const d = x.shape[x.shape.length - 1];
  const rows = d === 0 ? 0 : tf.util.sizeFromShape(x.shape) / d;
  native(wholeHeapF32(backend), op, rows, d, Int32Array.from([...inputs, ...outputs], (info) => offsetOf(backend, info) >> 2));
  return outputs;
}

const kernel = (kernelName: string, kernelFunc: (args: Args) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: kernelFunc as unknown as tf.KernelFunc,
});

/** The kernel configs. */
export const cosineKernels: readonly tf.KernelConfig[] = [
  kernel(l2NormalizeKernelName, (args) => run(args, l2NormalizeKernelName, 'l2norm', 0, ['x'], (x) => [x.shape])[0]),
  kernel(l2NormalizeGradKernelName, (args) => run(args, l2NormalizeGradKernelName, 'l2norm', 1, ['x', 'dy'], (x) => [x.shape])[0]),
  kernel(negativeCosineKernelName, (args) => run(args, negativeCosineKernelName, 'negcos', 0, ['p', 'z'], () => [[]])[0]),
  kernel(negativeCosineGradKernelName, (args) => run(args, negativeCosineGradKernelName, 'negcos', 1, ['p', 'z', 'dy'], (p) => [p.shape, p.shape])),
];

registerMissingKernels(cosineKernels);

/** Whether the active backend has the L2-normalisation kernels and the binding they call is in use. */
export function hasL2NormalizeKernels(): boolean {
  return activeBackendHas(l2NormalizeKernelName, l2NormalizeGradKernelName) && nativeProducts()?.l2norm !== undefined;
}

/** Whether the active backend has the negative-cosine kernels and the binding they call is in use. */
export function hasNegativeCosineKernels(): boolean {
  return activeBackendHas(negativeCosineKernelName, negativeCosineGradKernelName) && nativeProducts()?.negcos !== undefined;
}

/** l2Normalize by the kernels (call only where `hasL2NormalizeKernels()`); differentiable. */
export const l2NormalizeByKernels = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.engine().runKernel(l2NormalizeKernelName, { x }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(l2NormalizeGradKernelName, { x: saved[0], dy }) as tf.Tensor,
  };
});

/** negativeCosineSimilarity of `[n, d]` rows by the kernels (call only where `hasNegativeCosineKernels()`); differentiable in both. */
export const negativeCosineByKernels = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [p, z, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([p, z]);
  return {
    value: tf.engine().runKernel(negativeCosineKernelName, { p, z }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(negativeCosineGradKernelName, { p: saved[0], z: saved[1], dy }) as tf.Tensor[],
  };
});
