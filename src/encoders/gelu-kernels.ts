import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels, type CpuKernelBackend } from '../backend/custom-kernels';
import { simdFunctions } from '../backend/simd/simd-module';
import { float32Input, offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { nativeProducts } from '../backend/native/native-blas';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';

/**
 * The exact GELU and its gradient as two kernels (`SslmemGelu`: x -> gelu(x);
 * `SslmemGeluGrad`: (x, dy) -> dy gelu'(x)) for the `wasm` backend (SIMD, see
 * `backend/simd/gelu-simd.ts`) and `cpu`. Built from tfjs ops instead, the exact GELU
 * costs about five full passes forward and twelve backward; other backends keep that.
 * Where products run natively, the binding's `gelu` (C, the same float32 operations in the
 * same order, so the same bits at several times the SIMD speed) takes the SIMD part; the
 * last `n % 4` elements run in JavaScript on both paths.
 */
export const geluKernelName = 'SslmemGelu';
export const geluGradKernelName = 'SslmemGeluGrad';

const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];

/** `Phi(x)` and `exp(-x^2 / 2)` in float64, by the same formula as the SIMD code. */
function phiAndGauss(x: number): [number, number] {
  const e = Math.exp(-0.5 * x * x);
  const t = 1 / (1 + ERF_P * Math.SQRT1_2 * Math.abs(x));
  const half = 0.5 * t * (ERF_A[0] + t * (ERF_A[1] + t * (ERF_A[2] + t * (ERF_A[3] + t * ERF_A[4])))) * e;
  return [x < 0 ? half : 1 - half, e];
}

/** gelu(x) over arrays, `from` on (plain JavaScript). */
export function geluArrays(x: Float32Array, out: Float32Array, from = 0): void {
  for (let i = from; i < x.length; i++) out[i] = x[i] * phiAndGauss(x[i])[0];
}

/** dy gelu'(x) over arrays, `from` on (plain JavaScript). */
export function geluGradArrays(x: Float32Array, dy: Float32Array, dx: Float32Array, from = 0): void {
  const c = 1 / Math.sqrt(2 * Math.PI);
  for (let i = from; i < x.length; i++) {
    const [phi, e] = phiAndGauss(x[i]);
    dx[i] = dy[i] * (phi + x[i] * e * c);
  }
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown };

const input = (args: Args, name: string): tf.TensorInfo => float32Input(args, geluKernelName, name);

function wasmGelu(args: Args): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const out = backend.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const simd = simdFunctions(backend);
  const done = simd === null ? 0 : n - (n % 4);
  const at = (info: tf.TensorInfo): number => offsetOf(backend, info);
  const native = simd === null ? undefined : nativeProducts()?.gelu;
  if (native !== undefined) native(wholeHeapF32(backend), 0, done, Int32Array.of(at(x) >> 2, at(out) >> 2));
  else if (simd !== null) simd.gelu(at(x), at(out), done * 4);
  if (done < n) geluArrays(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, done);
  return out;
}

function wasmGeluGrad(args: Args): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const dx = backend.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const simd = simdFunctions(backend);
  const done = simd === null ? 0 : n - (n % 4);
  const at = (info: tf.TensorInfo): number => offsetOf(backend, info);
  const native = simd === null ? undefined : nativeProducts()?.gelu;
  if (native !== undefined) native(wholeHeapF32(backend), 1, done, Int32Array.of(at(x) >> 2, at(dy) >> 2, at(dx) >> 2));
  else if (simd !== null) simd.geluGrad(at(x), at(dy), at(dx), done * 4);
  if (done < n) {
    const view = (info: tf.TensorInfo): Float32Array => backend.typedArrayFromHeap(info) as Float32Array;
    geluGradArrays(view(x), view(dy), view(dx), done);
  }
  return dx;
}

function cpuGelu(args: Args): tf.TensorInfo {
  const backend = args.backend as CpuKernelBackend;
  const x = input(args, 'x');
  const out = new Float32Array(tf.util.sizeFromShape(x.shape));
  geluArrays(backend.readSync(x.dataId) as Float32Array, out);
  return backend.makeTensorInfo(x.shape, 'float32', out);
}

function cpuGeluGrad(args: Args): tf.TensorInfo {
  const backend = args.backend as CpuKernelBackend;
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const dx = new Float32Array(tf.util.sizeFromShape(x.shape));
  geluGradArrays(backend.readSync(x.dataId) as Float32Array, backend.readSync(dy.dataId) as Float32Array, dx);
  return backend.makeTensorInfo(x.shape, 'float32', dx);
}

/** The kernel configs, per backend. */
export const geluKernels: readonly tf.KernelConfig[] = [
  { kernelName: geluKernelName, backendName: 'wasm', kernelFunc: wasmGelu as unknown as tf.KernelFunc },
  { kernelName: geluGradKernelName, backendName: 'wasm', kernelFunc: wasmGeluGrad as unknown as tf.KernelFunc },
  { kernelName: geluKernelName, backendName: 'cpu', kernelFunc: cpuGelu as unknown as tf.KernelFunc },
  { kernelName: geluGradKernelName, backendName: 'cpu', kernelFunc: cpuGeluGrad as unknown as tf.KernelFunc },
];

/** Registers the kernels (safe to call again). */
export function registerGeluKernels(): void {
  registerMissingKernels(geluKernels);
}

/** Whether the active backend has both kernels. */
export function hasGeluKernels(): boolean {
  return activeBackendHas(geluKernelName, geluGradKernelName);
}

registerGeluKernels();

/** gelu with the kernels (call only where `hasGeluKernels()`); differentiable. */
export const geluByKernels = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.engine().runKernel(geluKernelName, { x }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(geluGradKernelName, { x: saved[0], dy }) as tf.Tensor,
  };
});
