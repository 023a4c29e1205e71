import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels, type CpuKernelBackend } from '../backend/custom-kernels';
import { simdFunctions } from '../backend/simd/simd-module';
import { offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';
import { nativeProducts } from '../backend/native/native-blas';

/**
 * Adam's update of one variable as a single kernel: one pass over the parameters instead
 * of about twelve elementwise ops (each a full read and write of the variable on wasm,
 * and each a thread-pool wake-up with several wasm threads). Registered for the `wasm`
 * and `cpu` backends, whose tensors are plain typed arrays; other backends (tfjs-node,
 * WebGL) keep the op-by-op rule in `adam.ts`. The arithmetic runs in float64 and rounds
 * once per stored value, so it agrees with the op-by-op rule to float32 rounding.
 */
export const fusedAdamKernelName = 'SslmemFusedAdam';

/** Hyper-parameters of one fused update (`step` is 1-based). */
export interface FusedAdamAttrs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly step: number;
  readonly weightDecay: number;
  /** AdamW: shrink the parameter by `lr * weightDecay` first; else add `weightDecay * p` to the gradient. */
  readonly decoupled: boolean;
}

/**
 * The update on arrays: reads `param`, `grad`, `m`, `v` and writes the new parameter and
 * moments to `outParam`, `outM`, `outV` (which may alias the inputs element by element).
 */
export function fusedAdamArrays(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  outParam: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
  a: FusedAdamAttrs,
): void {
  const { lr, beta1, beta2, epsilon, weightDecay } = a;
  const b1 = 1 - beta1;
  const b2 = 1 - beta2;
  const mScale = 1 / (1 - Math.pow(beta1, a.step));
  const vScale = 1 / (1 - Math.pow(beta2, a.step));
  const shrink = a.decoupled ? 1 - lr * weightDecay : 1;
  const l2 = a.decoupled ? 0 : weightDecay;
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const p = param[i] * shrink;
    const g = grad[i] + l2 * param[i];
    const mi = beta1 * m[i] + b1 * g;
    const vi = beta2 * v[i] + b2 * g * g;
    outM[i] = mi;
    outV[i] = vi;
    outParam[i] = p - (lr * (mi * mScale)) / (Math.sqrt(vi * vScale) + epsilon);
  }
}

type Seven = [number, number, number, number, number, number, number];
type Nine = [number, number, number, number, number, number, number, number, number];

/** The nine scalars of `AdamSimd` as float32 values (what its f32 parameters receive). */
function simdScalars(a: FusedAdamAttrs): Float64Array {
  const out = new Float64Array(9);
  out[0] = Math.fround(a.beta1);
  out[1] = Math.fround(1 - a.beta1);
  out[2] = Math.fround(a.beta2);
  out[3] = Math.fround(1 - a.beta2);
  out[4] = Math.fround(a.lr / (1 - Math.pow(a.beta1, a.step)));
  out[5] = Math.fround(1 / (1 - Math.pow(a.beta2, a.step)));
  out[6] = Math.fround(a.epsilon);
  out[7] = Math.fround(a.decoupled ? 1 - a.lr * a.weightDecay : 1);
  out[8] = Math.fround(a.decoupled ? 0 : a.weightDecay);
  return out;
}

type Infos = { param: tf.TensorInfo; grad: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo };

function inputsOf(inputs: tf.NamedTensorInfoMap): Infos {
  const { param, grad, m, v } = inputs;
  if (param == null || grad == null || m == null || v == null) throw new Error(`${fusedAdamKernelName}: expected inputs param, grad, m, v`);
  for (const info of [grad, m, v]) {
    if (info.dtype !== 'float32' || tf.util.sizeFromShape(info.shape) !== tf.util.sizeFromShape(param.shape)) {
      throw new Error(`${fusedAdamKernelName}: expected float32 inputs of shape [${param.shape}], found ${info.dtype} [${info.shape}]`);
    }
  }
  return { param, grad, m, v };
}

function wasmFusedAdam(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = inputsOf(args.inputs);
  const a = args.attrs as unknown as FusedAdamAttrs;
  const shape = x.param.shape;
  const outs = [0, 1, 2].map(() => backend.makeOutput(shape, 'float32'));
  const n = tf.util.sizeFromShape(shape);
  const simd = simdFunctions(backend)?.adam ?? null;
  const native = nativeProducts()?.adam;
  // The SIMD function (or the binding's, with its bits) takes whole groups of 4; plain JavaScript does the rest.
  const done = simd === null && native === undefined ? 0 : n - (n % 4);
  if (done > 0) {
    const offset = (info: tf.TensorInfo): number => offsetOf(backend, info);
    const at = [x.param, x.grad, x.m, x.v, outs[0], outs[1], outs[2]].map(offset);
    const scalars = simdScalars(a);
    if (native !== undefined) native(wholeHeapF32(backend), done, Int32Array.from(at, (byte) => byte >> 2), scalars);
    else simd?.(...(at as Seven), done * 4, ...(Array.from(scalars) as Nine));
  }
  if (done < n) {
    // Heap windows only after the last allocation (growing the memory detaches them).
    const f32 = (info: tf.TensorInfo): Float32Array => (backend.typedArrayFromHeap(info) as Float32Array).subarray(done);
    fusedAdamArrays(f32(x.param), f32(x.grad), f32(x.m), f32(x.v), f32(outs[0]), f32(outs[1]), f32(outs[2]), a);
  }
  return outs;
}

function cpuFusedAdam(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = args.backend as CpuKernelBackend;
  const x = inputsOf(args.inputs);
  const read = (info: tf.TensorInfo): Float32Array => backend.readSync(info.dataId) as Float32Array;
  const n = tf.util.sizeFromShape(x.param.shape);
  const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  fusedAdamArrays(read(x.param), read(x.grad), read(x.m), read(x.v), outs[0], outs[1], outs[2], args.attrs as unknown as FusedAdamAttrs);
  return outs.map((values) => backend.makeTensorInfo(x.param.shape, 'float32', values));
}

/** The kernel configs, one per backend that has the fused update. */
export const fusedAdamKernels: readonly tf.KernelConfig[] = [
  { kernelName: fusedAdamKernelName, backendName: 'wasm', kernelFunc: wasmFusedAdam as unknown as tf.KernelFunc },
  { kernelName: fusedAdamKernelName, backendName: 'cpu', kernelFunc: cpuFusedAdam as unknown as tf.KernelFunc },
];

/** Registers the fused update for wasm and cpu (safe to call again). */
export function registerFusedAdam(): void {
  registerMissingKernels(fusedAdamKernels);
}

/** Whether the active backend has the fused update (registered when this module loads). */
export function hasFusedAdam(): boolean {
  return activeBackendHas(fusedAdamKernelName);
}

registerFusedAdam();

/** Runs the fused update on the active backend: `[param, m, v]` after one step. */
export function fusedAdam(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: FusedAdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const out = tf.engine().runKernel(fusedAdamKernelName, { param, grad, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [out[0], out[1], out[2]];
}
