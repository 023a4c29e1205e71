import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, free, fromValues, heapF32, offsetOf, run, sizeOf, view, inputsOf, type KernelArgs } from './kernel-utils';
import { simdFunctions, type SimdFunctions } from '../simd/simd-module';
import { nativeProducts } from '../native/native-blas';
import { wholeHeapF32 } from './gemm';

/**
 * `Sum` and `Mean` for wasm when the reduced axes are a contiguous run that stops before
 * the last axis (batch statistics over `[0, 1, 2]`, bias gradients over `[0]`, global
 * average pooling over `[1, 2]`). The shipped kernels transpose such inputs with a slow
 * scalar loop first; here `x` is seen as `[outer, run, inner]` and reduced over `run`:
 * by our SIMD column sums when `inner` is a multiple of 4 (blocks of 256 rows, partial
 * sums added in float64), else by one XNNPACK average pooling with a `run x 1` window.
 * Other axes go to the shipped kernels (reducing the innermost axes is already fast there).
 * Where products run natively, the binding's `columnSums` does the SIMD path's arithmetic in
 * C (the same float32 block sums and float64 total, so the same bits), and its `rowSums` the
 * shipped kernels' over the innermost axes (one float32 sum per row, in order).
 */

/** Rows per SIMD block: short enough that float32 partial sums stay accurate. */
const BLOCK_ROWS = 256;

function columnSums(backend: BackendWasm, simd: SimdFunctions, x: tf.TensorInfo, dims: [number, number, number], scale: number): tf.TensorInfo {
  const [outer, length, inner] = dims;
  const native = nativeProducts()?.columnSums;
  if (native !== undefined) {
    const out = alloc(backend, [outer, inner]);
    native(wholeHeapF32(backend), offsetOf(backend, x) >> 2, outer, length, inner, BLOCK_ROWS, scale, offsetOf(backend, out) >> 2);
    return out;
  }
  const scratch = alloc(backend, [inner]);
  const out = alloc(backend, [outer, inner]);
  const [x0, s0] = [offsetOf(backend, x), offsetOf(backend, scratch)];
  const part = heapF32(backend, scratch);
  const result = heapF32(backend, out);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let r0 = 0; r0 < length; r0 += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, length - r0);
      part.fill(0);
      simd.columnSum(x0 + (o * length + r0) * inner * 4, s0, rows, inner * 4);
      for (let c = 0; c < inner; c++) acc[c] += part[c];
    }
    for (let c = 0; c < inner; c++) result[o * inner + c] = acc[c] * scale;
  }
  free(backend, scratch);
  return out;
}

/** `[outer, run, inner]` when `axes` is a contiguous run not containing the last axis. */
function leadingRun(shape: readonly number[], axis: number | number[]): [number, number, number] | null {
  const axes = tf.util.parseAxisParam(axis, shape as number[]).slice().sort((p, q) => p - q);
  if (axes.length === 0) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last >= shape.length - 1) return null;
  const outer = sizeOf(shape.slice(0, first));
  const run = sizeOf(shape.slice(first, last + 1));
  const inner = sizeOf(shape.slice(last + 1));
  if (run <= 1 || outer * run * inner === 0) return null;
  return [outer, run, inner];
}

function outShape(shape: readonly number[], axis: number | number[], keepDims: boolean): number[] {
  const axes = tf.util.parseAxisParam(axis, shape as number[]);
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

function reduceRun(backend: BackendWasm, x: tf.TensorInfo, dims: [number, number, number], sum: boolean): tf.TensorInfo {
  const [outer, length, inner] = dims;
  const simd = inner % 4 === 0 ? simdFunctions(backend) : null;
  if (simd !== null) return columnSums(backend, simd, x, dims, sum ? 1 : 1 / length);
  const mean = run(backend, tf.AvgPool, { x: view(x, [outer, length, 1, inner]) }, {
    filterSize: [length, 1],
    strides: [1, 1],
    pad: 'valid',
  });
  if (!sum) return mean;
  const scale = fromValues(backend, [], new Float32Array([length]));
  const total = run(backend, tf.Multiply, { a: mean, b: scale });
  free(backend, mean, scale);
  return total;
}

/** `[rows, n]` when `axes` is a contiguous run ending with the last axis (and nothing is empty). */
function trailingRun(shape: readonly number[], axis: number | number[]): [number, number] | null {
  const axes = tf.util.parseAxisParam(axis, shape as number[]).slice().sort((p, q) => p - q);
  if (axes.length === 0 || axes[axes.length - 1] !== shape.length - 1) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return null;
  const rows = sizeOf(shape.slice(0, axes[0]));
  const n = sizeOf(shape.slice(axes[0]));
  return rows * n === 0 ? null : [rows, n];
}

/** Sum or Mean over the innermost axes by the binding, or null where it does not apply. */
function nativeRowSums(backend: BackendWasm, x: tf.TensorInfo, attrs: tf.NamedAttrMap, mean: boolean): tf.TensorInfo | null {
  const rowSums = x.dtype === 'float32' ? nativeProducts()?.rowSums : undefined;
  const dims = rowSums === undefined ? null : trailingRun(x.shape, attrs.axis as number | number[]);
  if (rowSums === undefined || dims === null) return null;
  const out = alloc(backend, [dims[0]]);
  rowSums(wholeHeapF32(backend), offsetOf(backend, x) >> 2, dims[0], dims[1], mean, offsetOf(backend, out) >> 2);
  return view(out, outShape(x.shape, attrs.axis as number | number[], attrs.keepDims === true));
}

/** Kernel function for `Sum`. */
export function sum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const attrs = args.attrs ?? {};
  const dims = x.dtype === 'float32' ? leadingRun(x.shape, attrs.axis as number | number[]) : null;
  if (dims == null) return nativeRowSums(backend, x, attrs, false) ?? run(backend, tf.Sum, args.inputs, attrs);
  const out = reduceRun(backend, x, dims, true);
  return view(out, outShape(x.shape, attrs.axis as number | number[], attrs.keepDims === true));
}

/** Kernel function for `Mean`. */
export function mean(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const attrs = args.attrs ?? {};
  const dims = x.dtype === 'float32' ? leadingRun(x.shape, attrs.axis as number | number[]) : null;
  if (dims == null) return nativeRowSums(backend, x, attrs, true) ?? run(backend, tf.Mean, args.inputs, attrs);
  const out = reduceRun(backend, x, dims, false);
  return view(out, outShape(x.shape, attrs.axis as number | number[], attrs.keepDims === true));
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const sumConfig: tf.KernelConfig = { kernelName: tf.Sum, backendName: WASM, kernelFunc: sum as tf.KernelFunc };
export const meanConfig: tf.KernelConfig = { kernelName: tf.Mean, backendName: WASM, kernelFunc: mean as tf.KernelFunc };
