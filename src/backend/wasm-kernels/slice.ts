import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, run, inputsOf, type KernelArgs } from './kernel-utils';
import { stridedCopy, stridesOf } from './strided-copy';

/**
 * `Slice` for wasm reading only the window. The shipped kernel first copies the whole
 * input out of the heap (`readSync`) for every slice.
 */
export function sliceInfo(backend: BackendWasm, x: tf.TensorInfo, begin: readonly number[], size: readonly number[]): tf.TensorInfo {
  const out = alloc(backend, [...size], x.dtype);
  const strides = stridesOf(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d] * strides[d];
  stridedCopy(heap(backend, x), offset, strides, heap(backend, out), 0, size);
  return out;
}

/** Kernel function for `Slice`. */
export function slice(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  if (x.dtype === 'string' || x.dtype === 'complex64') return run(backend, tf.Slice, args.inputs, args.attrs);
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[],
  );
  return sliceInfo(backend, x, begin, size);
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const sliceConfig: tf.KernelConfig = { kernelName: tf.Slice, backendName: WASM, kernelFunc: slice as tf.KernelFunc };
