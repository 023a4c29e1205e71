import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, run, inputsOf, type KernelArgs } from './kernel-utils';
import { NATIVE_COPY_MIN_ELEMENTS, stridedCopy, stridesOf } from './strided-copy';
import { nativeProducts } from '../native/native-blas';

/**
 * `Tile` for wasm (the batch-norm gradient tiles its statistics to the full input, the
 * gradients of Sum and Mean broadcast dy). The shipped kernel computes every output
 * element's source index; here each input row is written once and every repetition is a
 * block copy inside the output, doubling the copied span each time (a single value
 * repeated along the last axis is one fill). Where the binding's `stridedCopy` is in use, a
 * tile of 4-byte values is one strided copy there instead: axis d of the output read as
 * `[reps[d], x.shape[d]]` with source strides `[0, stride of d]`. A tile of one element (the
 * gradient of a sum to a scalar) is one fill on either path.
 */
export function tile(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const reps = (args.attrs?.reps as number[]) ?? [];
  if (x.dtype === 'string' || x.dtype === 'complex64' || reps.length !== x.shape.length) {
    return run(backend, tf.Tile, args.inputs, args.attrs);
  }
  const rank = x.shape.length;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = alloc(backend, outShape, x.dtype);
  if (outShape.some((d) => d === 0)) return out;
  if (rank === 0) {
    heap(backend, out)[0] = heap(backend, x)[0];
    return out;
  }
  const src = heap(backend, x);
  const dst = heap(backend, out);
  if (src.length === 1) {
    // One value everywhere (the gradient of a sum to a scalar): one fill.
    dst.fill(src[0]);
    return out;
  }
  const xStrides = stridesOf(x.shape);
  if (src.BYTES_PER_ELEMENT === 4 && dst.length >= NATIVE_COPY_MIN_ELEMENTS && nativeProducts()?.stridedCopy !== undefined) {
    stridedCopy(src, 0, x.shape.flatMap((_, d) => [0, xStrides[d]]), dst, 0, x.shape.flatMap((size, d) => [reps[d], size]));
    return out;
  }
  const outStrides = stridesOf(outShape);
  const fill = (d: number, xOff: number, oOff: number): void => {
    const size = x.shape[d];
    if (d === rank - 1 && size === 1) {
      // One value repeated along the last axis (a broadcast of reduced statistics): one fill.
      dst.fill(src[xOff], oOff, oOff + reps[d]);
      return;
    }
    if (d === rank - 1) {
      for (let i = 0; i < size; i++) dst[oOff + i] = src[xOff + i];
    } else {
      for (let i = 0; i < size; i++) fill(d + 1, xOff + i * xStrides[d], oOff + i * outStrides[d]);
    }
    // Repeat the block along axis d by doubling copies.
    const block = size * outStrides[d];
    const total = block * reps[d];
    let filled = block;
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      dst.copyWithin(oOff + filled, oOff, oOff + n);
      filled += n;
    }
  };
  fill(0, 0, 0);
  return out;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const tileConfig: tf.KernelConfig = { kernelName: tf.Tile, backendName: WASM, kernelFunc: tile as tf.KernelFunc };
