import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, run, inputsOf, type KernelArgs } from './kernel-utils';
import { stridedCopy, stridesOf } from './strided-copy';

/**
 * `Transpose` for wasm as one strided copy on the heap. The shipped kernel indexes every
 * element through a generic offset formula (and is slower still from rank 5 on).
 */
export function transposeInfo(backend: BackendWasm, x: tf.TensorInfo, perm: readonly number[]): tf.TensorInfo {
  const outShape = perm.map((p) => x.shape[p]);
  const out = alloc(backend, outShape, x.dtype);
  const xStrides = stridesOf(x.shape);
  stridedCopy(heap(backend, x), 0, perm.map((p) => xStrides[p]), heap(backend, out), 0, outShape);
  return out;
}

/** Kernel function for `Transpose`. */
export function transpose(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const perm = (args.attrs?.perm as number[]) ?? [];
  if (x.dtype === 'string' || x.dtype === 'complex64') return run(backend, tf.Transpose, args.inputs, args.attrs);
  return transposeInfo(backend, x, perm);
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const transposeConfig: tf.KernelConfig = { kernelName: tf.Transpose, backendName: WASM, kernelFunc: transpose as tf.KernelFunc };
