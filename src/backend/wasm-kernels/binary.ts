import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, inputsOf, offsetOf, run, sizeOf, type KernelArgs } from './kernel-utils';
import { nativeProducts } from '../native/native-blas';
import { wholeHeapF32 } from './gemm';

/**
 * Binary kernels for wasm where broadcasting is slow in the shipped ones.
 *
 * `Multiply`, `Add`: XNNPACK is fast when the second operand is the broadcast one
 * (`x * scale`) and slow the other way round (`ones[1,1,1,c] * x`, what every mean
 * gradient does); both are commutative, so the operands are swapped.
 * Comparisons (`Equal`, `Greater`, ...) with broadcasting run a scalar loop that computes
 * every element's coordinates; here one JavaScript pass walks both inputs with stride 0
 * along broadcast axes.
 * `Add`, `Sub`, `Multiply`, `RealDiv` of float32 tensors of 1024+ elements run in the native
 * binding's `binary` where products run natively: each result is the IEEE-rounded one on
 * both, so the same bits, in C over strided views (AVX-512 where the CPU has it).
 */

/** The binding's op codes. */
const nativeOps: Readonly<Record<string, 0 | 1 | 2 | 3>> = { [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2, [tf.RealDiv]: 3 };
/** Below this many elements the shipped kernels run (the call costs more than the work). */
const NATIVE_MIN_ELEMENTS = 1024;

/** Strides of `shape` read as broadcast to `rank` axes (right-aligned; 0 along axes of size 1). */
function broadcastStrides(shape: readonly number[], rank: number): number[] {
  const padded = new Array<number>(rank - shape.length).fill(1).concat(shape);
  const strides = new Array<number>(rank).fill(0);
  for (let d = rank - 1, acc = 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : acc;
    acc *= padded[d];
  }
  return strides;
}

/**
 * Broadcast strides of `a` and `b` on `out`, then runs of axes merged where both operands
 * step through them as one: `[dims, aStrides, bStrides]`.
 */
function broadcastLoops(a: readonly number[], b: readonly number[], out: readonly number[]): [number[], number[], number[]] {
  const rank = out.length;
  const sa = broadcastStrides(a, rank);
  const sb = broadcastStrides(b, rank);
  const dims: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (out[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && as[last] === sa[d] * out[d] && bs[last] === sb[d] * out[d]) {
      dims[last] *= out[d];
      as[last] = sa[d];
      bs[last] = sb[d];
    } else {
      dims.push(out[d]);
      as.push(sa[d]);
      bs.push(sb[d]);
    }
  }
  if (dims.length === 0) return [[1], [0], [0]];
  return [dims, as, bs];
}

/** `a op b` by the native binding, or null where it does not apply (dtype, size, rank, no binding). */
function nativeBinary(backend: BackendWasm, kernelName: string, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const binary = nativeProducts()?.binary;
  if (binary === undefined) return null;
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  if (sizeOf(shape) < NATIVE_MIN_ELEMENTS) return null;
  const [dims, as, bs] = broadcastLoops(a.shape, b.shape, shape);
  if (dims.length > 8) return null;
  const out = alloc(backend, shape, 'float32');
  binary(wholeHeapF32(backend), nativeOps[kernelName], Int32Array.from(dims), offsetOf(backend, a) >> 2, Int32Array.from(as), offsetOf(backend, b) >> 2, Int32Array.from(bs), offsetOf(backend, out) >> 2);
  return out;
}

/** The shipped kernel, or the native one where it applies. */
function arithmetic(kernelName: string): tf.KernelFunc {
  return ((args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = inputsOf(args, 'a', 'b');
    return nativeBinary(backend, kernelName, a, b) ?? run(backend, kernelName, args.inputs, args.attrs);
  }) as tf.KernelFunc;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function commutative(kernelName: string): tf.KernelFunc {
  return ((args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = inputsOf(args, 'a', 'b');
    const native = nativeBinary(backend, kernelName, a, b);
    if (native !== null) return native;
    if (a.dtype === b.dtype && sizeOf(a.shape) < sizeOf(b.shape) && a.shape.length <= b.shape.length) {
      const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      if (sameShape(out, b.shape)) return run(backend, kernelName, { a: b, b: a }, args.attrs);
    }
    return run(backend, kernelName, args.inputs, args.attrs);
  }) as tf.KernelFunc;
}

type Compare = (x: number, y: number) => boolean;

function comparison(kernelName: string, op: Compare): tf.KernelFunc {
  return ((args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = inputsOf(args, 'a', 'b');
    if (sameShape(a.shape, b.shape) || a.dtype === 'string' || b.dtype === 'string' || a.dtype === 'complex64') {
      return run(backend, kernelName, args.inputs, args.attrs);
    }
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = alloc(backend, shape, 'bool');
    const total = sizeOf(shape);
    if (total === 0) return out;
    const av = heap(backend, a);
    const bv = heap(backend, b);
    const ov = heap(backend, out);
    const rank = shape.length;
    const sa = broadcastStrides(a.shape, rank);
    const sb = broadcastStrides(b.shape, rank);
    const inner = shape[rank - 1];
    const ia = sa[rank - 1];
    const ib = sb[rank - 1];
    const counter = new Array<number>(rank - 1).fill(0);
    let pa = 0;
    let pb = 0;
    for (let o = 0; o < total; o += inner) {
      for (let k = 0, qa = pa, qb = pb; k < inner; k++, qa += ia, qb += ib) ov[o + k] = op(av[qa], bv[qb]) ? 1 : 0;
      for (let d = rank - 2; d >= 0; d--) {
        counter[d]++;
        pa += sa[d];
        pb += sb[d];
        if (counter[d] < shape[d]) break;
        pa -= sa[d] * shape[d];
        pb -= sb[d] * shape[d];
        counter[d] = 0;
      }
    }
    return out;
  }) as tf.KernelFunc;
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const multiplyConfig: tf.KernelConfig = { kernelName: tf.Multiply, backendName: WASM, kernelFunc: commutative(tf.Multiply) };
export const addConfig: tf.KernelConfig = { kernelName: tf.Add, backendName: WASM, kernelFunc: commutative(tf.Add) };
export const subConfig: tf.KernelConfig = { kernelName: tf.Sub, backendName: WASM, kernelFunc: arithmetic(tf.Sub) };
export const realDivConfig: tf.KernelConfig = { kernelName: tf.RealDiv, backendName: WASM, kernelFunc: arithmetic(tf.RealDiv) };
export const comparisonConfigs: readonly tf.KernelConfig[] = [
  { kernelName: tf.Equal, backendName: WASM, kernelFunc: comparison(tf.Equal, (x, y) => x === y) },
  { kernelName: tf.NotEqual, backendName: WASM, kernelFunc: comparison(tf.NotEqual, (x, y) => x !== y) },
  { kernelName: tf.Greater, backendName: WASM, kernelFunc: comparison(tf.Greater, (x, y) => x > y) },
  { kernelName: tf.GreaterEqual, backendName: WASM, kernelFunc: comparison(tf.GreaterEqual, (x, y) => x >= y) },
  { kernelName: tf.Less, backendName: WASM, kernelFunc: comparison(tf.Less, (x, y) => x < y) },
  { kernelName: tf.LessEqual, backendName: WASM, kernelFunc: comparison(tf.LessEqual, (x, y) => x <= y) },
];
