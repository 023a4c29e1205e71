import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Small toolkit for writing wasm kernels out of other wasm kernels. Kernels here work on
 * `TensorInfo`s (no engine, no tape): every info returned by `run` owns one reference to
 * its data and must be handed to `free` unless it is the kernel's output.
 */

/** Name of the tfjs backend these kernels are registered for. */
export const WASM = 'wasm';

/** The shipped kernel configs we replaced, so our kernels can still call them. */
const shipped = new Map<string, tf.KernelConfig>();

/** Remembers the shipped config of a kernel before it is replaced (first call wins). */
export function rememberShipped(config: tf.KernelConfig): void {
  if (!shipped.has(config.kernelName)) shipped.set(config.kernelName, config);
}

/** The shipped config of a kernel we replaced, if any. */
export function shippedConfig(kernelName: string): tf.KernelConfig | undefined {
  return shipped.get(kernelName);
}

/** The shipped wasm implementation of `kernelName` (even when ours is registered over it). */
export function shippedKernel(kernelName: string): tf.KernelFunc {
  const config = shipped.get(kernelName) ?? tf.getKernel(kernelName, WASM);
  if (config == null) throw new Error(`wasm kernel ${kernelName} is not registered`);
  return config.kernelFunc;
}

/** Runs the shipped wasm kernel `kernelName` on tensor infos; the caller owns the result. */
export function run(
  backend: BackendWasm,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const out = shippedKernel(kernelName)({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${kernelName} returned several outputs`);
  return out;
}

/** Releases temporaries made by `run` or `alloc`. */
export function free(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** The same data seen with another shape (no copy, no new reference: never `free` a view). */
export function view(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Allocates an output on the wasm heap (contents undefined). */
export function alloc(backend: BackendWasm, shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
  return backend.makeOutput(shape, dtype);
}

/**
 * A typed-array window onto a tensor's heap memory. Take it only after the last
 * allocation of the kernel: growing the wasm memory detaches earlier windows.
 */
export function heap(backend: BackendWasm, info: tf.TensorInfo): tf.backend_util.TypedArray {
  return backend.typedArrayFromHeap(info);
}

/** `heap` for float32 tensors. */
export function heapF32(backend: BackendWasm, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, found ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Byte offset of a tensor's data on the wasm heap (what our SIMD functions take). */
export function offsetOf(backend: BackendWasm, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** A float32 tensor made from values (copied onto the heap). */
export function fromValues(backend: BackendWasm, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeOutput(shape, 'float32', undefined, values);
}

/** Product of the entries of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A tensor info over part of another tensor's memory (elements `offset ..` of `base`),
 * without copying. Hand it back with `unborrow`, never `free` (its memory is not its own).
 */
export function borrow(backend: BackendWasm, base: tf.TensorInfo, offset: number, shape: number[]): tf.TensorInfo {
  const { memoryOffset } = backend.dataIdMap.get(base.dataId);
  const bytes = base.dtype === 'float32' || base.dtype === 'int32' ? 4 : 1;
  return backend.makeOutput(shape, base.dtype, memoryOffset + offset * bytes);
}

/** Forgets tensor infos made by `borrow` (drops cached XNNPACK operators, frees nothing). */
export function unborrow(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) {
    const data = backend.dataIdMap.get(info.dataId);
    if (data == null) continue;
    backend.wasm.tfjs.disposeData(data.id);
    backend.dataIdMap.delete(info.dataId);
  }
}

/** What tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** The float32 input `name` of a kernel's args; an Error naming the kernel where it is missing or of another dtype. */
export function float32Input(args: { inputs: tf.NamedTensorInfoMap }, kernelName: string, name: string): tf.TensorInfo {
  const info = args.inputs[name];
  if (info == null || info.dtype !== 'float32') throw new Error(`${kernelName}: expected a float32 input ${name}, found ${info?.dtype ?? 'none'}`);
  return info;
}

/** The named inputs of a kernel call, each required to be present. */
export function inputsOf<K extends string>(args: KernelArgs, ...names: K[]): Record<K, tf.TensorInfo> {
  const out = {} as Record<K, tf.TensorInfo>;
  for (const name of names) {
    const info = args.inputs[name];
    if (info == null) throw new Error(`wasm kernel: missing input ${name}`);
    out[name] = info;
  }
  return out;
}
