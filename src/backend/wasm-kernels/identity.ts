import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, inputsOf, run, sizeOf, type KernelArgs } from './kernel-utils';

/**
 * `Identity` and `Cast` for wasm. The shipped kernels copy the data even when nothing
 * changes (a relu gradient casts float32 to float32, `tf.moments` too); here the output
 * shares the input's memory, as on the cpu backend (tfjs tensors are immutable).
 * `Cast` to bool tests `x != 0` (the shipped one truncates, so 0.5 became false).
 */
function share(backend: BackendWasm, x: tf.TensorInfo, dtype: tf.DataType): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

/** Kernel function for `Identity`. */
export function identity(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  if (x.dtype === 'string') return run(backend, tf.Identity, args.inputs, args.attrs);
  return share(backend, x, x.dtype);
}

/** Kernel function for `Cast`. */
export function cast(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const dtype = args.attrs?.dtype as tf.DataType;
  if (dtype === x.dtype && x.dtype !== 'string') return share(backend, x, dtype);
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    const out = alloc(backend, x.shape, 'bool');
    const src = heap(backend, x);
    const dst = heap(backend, out);
    const n = sizeOf(x.shape);
    for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  return run(backend, tf.Cast, args.inputs, args.attrs);
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const identityConfig: tf.KernelConfig = { kernelName: tf.Identity, backendName: WASM, kernelFunc: identity as tf.KernelFunc };
export const castConfig: tf.KernelConfig = { kernelName: tf.Cast, backendName: WASM, kernelFunc: cast as tf.KernelFunc };
