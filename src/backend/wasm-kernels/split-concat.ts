import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, inputsOf, run, sizeOf, type KernelArgs } from './kernel-utils';
import { sliceInfo } from './slice';

/**
 * `SplitV` and `Concat` for wasm as block copies on the heap. The shipped `SplitV` copies
 * the whole input out of the heap once per part (through its `Slice`), and the shipped
 * `Concat` allocates a view per row.
 */

/** Kernel function for `SplitV`: the parts of `x` along `axis`. */
export function splitV(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  if (x.dtype === 'string' || x.dtype === 'complex64') return run(backend, tf.SplitV, args.inputs, args.attrs) as unknown as tf.TensorInfo[];
  const attrs = args.attrs ?? {};
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const part = sliceInfo(backend, x, begin, size);
    begin[axis] += s;
    return part;
  });
}

/** Kernel function for `Concat` (inputs are a list). */
export function concat(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const list = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t != null);
  const dtype = list[0].dtype;
  if (dtype === 'string' || dtype === 'complex64' || list.some((t) => t.dtype !== dtype)) {
    return run(backend, tf.Concat, args.inputs, args.attrs);
  }
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, list[0].shape)[0];
  const shapes = list.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const out = alloc(backend, outShape, dtype);
  const outer = sizeOf(outShape.slice(0, axis));
  const total = sizeOf(outShape.slice(axis));
  if (outer * total === 0) return out;
  const dst = heap(backend, out);
  const whole = new (dst.constructor as Float32ArrayConstructor)(dst.buffer as ArrayBuffer);
  const bpe = dst.BYTES_PER_ELEMENT;
  const dstBase = dst.byteOffset / bpe;
  const parts = list
    .map((t) => ({ src: heap(backend, t), inner: sizeOf(t.shape.slice(axis)) }))
    .filter((p) => p.inner > 0)
    .map((p) => ({ ...p, base: p.src.byteOffset / bpe }));
  // Output rows in order (each written once, front to back), one run per input.
  let d = 0;
  for (let r = 0; r < outer; r++) {
    for (const { src, inner, base } of parts) {
      const s = r * inner;
      if (inner >= 16) whole.copyWithin(dstBase + d, base + s, base + s + inner);
      else for (let k = 0; k < inner; k++) dst[d + k] = src[s + k];
      d += inner;
    }
  }
  return out;
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const splitVConfig: tf.KernelConfig = { kernelName: tf.SplitV, backendName: WASM, kernelFunc: splitV as unknown as tf.KernelFunc };
export const concatConfig: tf.KernelConfig = { kernelName: tf.Concat, backendName: WASM, kernelFunc: concat as tf.KernelFunc };
