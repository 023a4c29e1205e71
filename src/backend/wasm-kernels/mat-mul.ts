import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, borrow, free, heapF32, run, sizeOf, unborrow, view, inputsOf, type KernelArgs } from './kernel-utils';
import { stridedCopy } from './strided-copy';
import { transposeInfo } from './transpose';
import { simdBatchGemm, simdGemm } from './gemm';
import { simdFunctions, type SimdFunctions } from '../simd/simd-module';

/**
 * `BatchMatMul` and `_FusedMatMul` for wasm. The shipped kernels use XNNPACK only for a
 * plain 2-D product and fall back to scalar loops (30x slower) for any transpose or batch.
 * By default every product runs on our SIMD matrix product (`gemm.ts`). Without it (no
 * SIMD access to the backend's memory, or `useSimdGemm(false)`), transposes are made
 * explicit first, a weight shared over the batch becomes one big
 * 2-D product, and a true batch runs one XNNPACK product per batch entry.
 */

interface Operands {
  /** `[batchA, m, k]`, contiguous; `owned` when it is a temporary. */
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  ownedA: boolean;
  ownedB: boolean;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  /** Broadcast batch shape of the output. */
  batchShape: number[];
  aBatchShape: number[];
  bBatchShape: number[];
}

/** `m`, `k`, `n` of `op(a) op(b)`; throws when the inner dimensions differ. */
function productDims(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): { m: number; k: number; n: number } {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(
      `matMul: inner dimensions differ: a ${JSON.stringify(a.shape)} (transposeA=${transposeA}), ` +
        `b ${JSON.stringify(b.shape)} (transposeB=${transposeB})`,
    );
  }
  return { m, k, n };
}

/** Brings `a` to `[batchA, m, k]` and `b` to `[batchB, k, n]` without transposes. */
function explicitOperands(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): Operands {
  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const batchA = sizeOf(aBatchShape);
  const batchB = sizeOf(bBatchShape);
  const { m, k, n } = productDims(a, b, transposeA, transposeB);
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape);
  const a3 = transposeA ? transposeInfo(backend, view(a, [batchA, k, m]), [0, 2, 1]) : view(a, [batchA, m, k]);
  const b3 = transposeB ? transposeInfo(backend, view(b, [batchB, n, k]), [0, 2, 1]) : view(b, [batchB, k, n]);
  return {
    a: a3, b: b3, ownedA: transposeA, ownedB: transposeB,
    batchA, batchB, m, k, n, batchShape, aBatchShape, bBatchShape,
  };
}

function releaseOperands(backend: BackendWasm, ops: Operands): void {
  if (ops.ownedA) free(backend, ops.a);
  if (ops.ownedB) free(backend, ops.b);
}

/** Index of the operand's batch entry for each output batch entry (broadcasting). */
function batchIndex(outShape: number[], inShape: number[]): Int32Array {
  const total = sizeOf(outShape);
  const index = new Int32Array(total);
  const rank = outShape.length;
  const padded = new Array<number>(rank - inShape.length).fill(1).concat(inShape);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let flat = 0;
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      if (padded[d] !== 1) flat += coord * stride;
      stride *= padded[d];
    }
    index[i] = flat;
  }
  return index;
}

/**
 * Product of explicit operands. The 2-D cases go to XNNPACK in one call (`fused` adds
 * bias and activation there); a true batch loops over its entries.
 */
function product(
  backend: BackendWasm,
  ops: Operands,
  fused?: { bias?: tf.TensorInfo; prelu?: tf.TensorInfo; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  const { m, k, n, batchA, batchB } = ops;
  const outShape = [...ops.batchShape, m, n];
  if (batchB === 1) {
    // Weight shared over the batch (or no batch): one [batchA*m, k] x [k, n] product.
    const a = view(ops.a, [1, batchA * m, k]);
    const b = view(ops.b, [1, k, n]);
    const attrs = { transposeA: false, transposeB: false };
    // XNNPACK fuses a bias of one value per output column only.
    const fusable = fused != null && (fused.bias == null || (fused.bias.shape.length === 1 && fused.bias.shape[0] === n));
    if (fused != null && fusable) {
      const out = run(backend, tf._FusedMatMul, withOptional({ a, b }, fused), { ...fused.attrs, ...attrs });
      return view(out, outShape);
    }
    const out = view(run(backend, tf.BatchMatMul, { a, b }, attrs), outShape);
    return fused == null ? out : applyBiasAndActivation(backend, out, fused);
  }
  const plain = batchedProduct(backend, ops, outShape);
  if (fused == null) return plain;
  return applyBiasAndActivation(backend, plain, fused);
}

function withOptional(
  inputs: tf.NamedTensorInfoMap,
  fused: { bias?: tf.TensorInfo; prelu?: tf.TensorInfo },
): tf.NamedTensorInfoMap {
  const out: tf.NamedTensorInfoMap = { ...inputs };
  if (fused.bias != null) out.bias = fused.bias;
  if (fused.prelu != null) out.preluActivationWeights = fused.prelu;
  return out;
}

type BatchMatMulC = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: number, transposeB: number, outId: number,
) => void;

const cFunctions = new WeakMap<object, BatchMatMulC>();

/** The module's own `BatchMatMul` C function (looked up once per wasm module). */
function batchMatMulC(backend: BackendWasm): BatchMatMulC {
  let f = cFunctions.get(backend.wasm);
  if (f == null) {
    const cwrap = (backend.wasm as unknown as { cwrap: (n: string, r: null, a: string[]) => BatchMatMulC }).cwrap;
    f = cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    cFunctions.set(backend.wasm, f);
  }
  return f;
}

/**
 * One XNNPACK product per output batch entry, each reading borrowed slices of the
 * operands and writing straight into its slice of the output (no copies, no allocation).
 */
function batchedProduct(backend: BackendWasm, ops: Operands, outShape: number[]): tf.TensorInfo {
  const { m, k, n } = ops;
  const total = sizeOf(ops.batchShape);
  const ia = batchIndex(ops.batchShape, ops.aBatchShape);
  const ib = batchIndex(ops.batchShape, ops.bBatchShape);
  const out = alloc(backend, outShape);
  const call = batchMatMulC(backend);
  const aShape = new Uint8Array(new Int32Array([1, m, k]).buffer);
  const bShape = new Uint8Array(new Int32Array([1, k, n]).buffer);
  const id = (info: tf.TensorInfo) => backend.dataIdMap.get(info.dataId).id;
  for (let i = 0; i < total; i++) {
    const a = borrow(backend, ops.a, ia[i] * m * k, [1, m, k]);
    const b = borrow(backend, ops.b, ib[i] * k * n, [1, k, n]);
    const o = borrow(backend, out, i * m * n, [1, m, n]);
    call(id(a), aShape, 3, id(b), bShape, 3, 0, 0, id(o));
    unborrow(backend, a, b, o);
  }
  return out;
}

/** Adds a bias and applies a fused activation with the shipped elementwise kernels. */
function applyBiasAndActivation(
  backend: BackendWasm,
  x: tf.TensorInfo,
  fused: { bias?: tf.TensorInfo; prelu?: tf.TensorInfo; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  let y = x;
  if (fused.bias != null) {
    const added = run(backend, tf.Add, { a: y, b: fused.bias });
    free(backend, y);
    y = added;
  }
  const activation = (fused.attrs.activation as string | undefined) ?? 'linear';
  let activated: tf.TensorInfo | null = null;
  switch (activation) {
    case 'linear':
      break;
    case 'relu':
      activated = run(backend, tf.Relu, { x: y });
      break;
    case 'relu6':
      activated = run(backend, tf.Relu6, { x: y });
      break;
    case 'sigmoid':
      activated = run(backend, tf.Sigmoid, { x: y });
      break;
    case 'elu':
      activated = run(backend, tf.Elu, { x: y });
      break;
    case 'leakyrelu':
      activated = run(backend, tf.LeakyRelu, { x: y }, { alpha: fused.attrs.leakyreluAlpha ?? 0.2 });
      break;
    case 'prelu':
      activated = run(backend, tf.Prelu, { x: y, alpha: fused.prelu as tf.TensorInfo });
      break;
    default:
      throw new Error(`_FusedMatMul: activation ${activation} is not supported on wasm`);
  }
  if (activated == null) return y;
  free(backend, y);
  return activated;
}

/**
 * Reduction length from which 2-D products run in chunks (see `chunkedProduct`); measured
 * here: a win at k = 65536 (x 288 x 64: 25% faster), a loss at k = 8320.
 */
let chunkFromK = 32768;
/** Target size of one chunk's packed weights, in floats. */
let chunkFloats = 65536;

/** For tests and benchmarks: sets the chunking thresholds, returns the previous ones. */
export function setMatMulChunking(fromK: number, floats: number): [number, number] {
  const previous: [number, number] = [chunkFromK, chunkFloats];
  chunkFromK = fromK;
  chunkFloats = floats;
  return previous;
}

/**
 * 2-D product with a long reduction axis (weight gradients `x^T dy` over many rows).
 * XNNPACK does not block the reduction axis, so its packed weights (`k x n`) would be
 * streamed from memory once per row block of the output; here the product runs over
 * chunks of `k` whose operands stay in cache, and the partial products are summed in
 * float64. `a` rows (or, transposed, columns) and `b` rows of each chunk are copied or
 * viewed in place.
 */
function chunkedProduct(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  k: number,
  n: number,
): tf.TensorInfo {
  const chunk = Math.max(1, Math.min(k, Math.floor(chunkFloats / n)));
  const acc = new Float64Array(m * n);
  const aChunk = alloc(backend, [1, m, chunk]);
  const bChunk = transposeB ? alloc(backend, [1, chunk, n]) : null;
  for (let k0 = 0; k0 < k; k0 += chunk) {
    const count = Math.min(chunk, k - k0);
    // a block: [m, count] from a [m, k] (columns k0..) or a [k, m] (rows k0.., transposed).
    const aSrc = heapF32(backend, a);
    const aDst = heapF32(backend, aChunk);
    if (transposeA) stridedCopy(aSrc, k0 * m, [1, m], aDst, 0, [m, count]);
    else stridedCopy(aSrc, k0, [k, 1], aDst, 0, [m, count]);
    let bView: tf.TensorInfo;
    if (bChunk != null) {
      stridedCopy(heapF32(backend, b), k0, [1, k], heapF32(backend, bChunk), 0, [count, n]);
      bView = borrow(backend, bChunk, 0, [1, count, n]);
    } else {
      bView = borrow(backend, b, k0 * n, [1, count, n]);
    }
    const aView = borrow(backend, aChunk, 0, [1, m, count]);
    const part = run(backend, tf.BatchMatMul, { a: aView, b: bView }, { transposeA: false, transposeB: false });
    unborrow(backend, aView, bView);
    const pv = heapF32(backend, part);
    for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
    free(backend, part);
  }
  free(backend, aChunk);
  if (bChunk != null) free(backend, bChunk);
  const out = alloc(backend, [m, n]);
  heapF32(backend, out).set(acc);
  return out;
}

let simdGemmEnabled = true;

/**
 * Chooses our SIMD product (`gemm.ts`, the default where WebAssembly SIMD reaches the
 * backend's memory) or the XNNPACK-based paths below; returns the previous choice. For
 * tests and benchmarks that compare the two.
 */
export function useSimdGemm(enabled: boolean): boolean {
  const previous = simdGemmEnabled;
  simdGemmEnabled = enabled;
  return previous;
}

/**
 * Any `BatchMatMul` with our SIMD product: a weight shared over the batch makes one
 * 2-D product of all rows; otherwise one product per output batch entry, written in place.
 */
function simdProduct(
  backend: BackendWasm,
  simd: SimdFunctions,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const { m, k, n } = productDims(a, b, transposeA, transposeB);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const total = sizeOf(batchShape);
  const a2: [number, number] = transposeA ? [k, m] : [m, k];
  const b2: [number, number] = transposeB ? [n, k] : [k, n];
  if (sizeOf(bBatch) === 1 && (!transposeA || total === 1) && sizeOf(aBatch) === total) {
    const rows = transposeA ? a2 : [total * m, k];
    return view(simdGemm(backend, simd, view(a, rows), view(b, b2), transposeA, transposeB), [...batchShape, m, n]);
  }
  const out = alloc(backend, [...batchShape, m, n]);
  try {
    const a3 = view(a, [sizeOf(aBatch), ...a2]);
    const b3 = view(b, [sizeOf(bBatch), ...b2]);
    simdBatchGemm(backend, simd, a3, b3, transposeA, transposeB, batchIndex(batchShape, aBatch), batchIndex(batchShape, bBatch), out);
  } catch (error) {
    free(backend, out);
    throw error;
  }
  return out;
}

/** `BatchMatMul`: `a [..., m, k] x b [..., k, n]` (optionally transposed), batch dims broadcast. */
export function batchMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = inputsOf(args, 'a', 'b');
  const attrs = args.attrs ?? {};
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    return run(backend, tf.BatchMatMul, args.inputs, attrs);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const simd = simdGemmEnabled ? simdFunctions(backend) : null;
  if (simd !== null) return simdProduct(backend, simd, a, b, transposeA, transposeB);
  if (sizeOf(a.shape.slice(0, -2)) === 1 && sizeOf(b.shape.slice(0, -2)) === 1) {
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    if (k === kb && transposeA && !transposeB && k >= 1024 && m < n) {
      // Weight gradient a^T b with a long reduction and m < n: XNNPACK packs its second
      // operand (k x n here) and streams it once per 4 output rows, slow when it leaves the
      // cache; (b^T a)^T packs the smaller a (k x m) instead (2x faster at 8320 x 128 x 512).
      const bT = transposeInfo(backend, view(b, [k, n]), [1, 0]);
      const outT = run(backend, tf.BatchMatMul, { a: view(bT, [1, n, k]), b: view(a, [1, k, m]) }, { transposeA: false, transposeB: false });
      free(backend, bT);
      const out = transposeInfo(backend, view(outT, [n, m]), [1, 0]);
      free(backend, outT);
      const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      return view(out, [...batchShape, m, n]);
    }
    if (k === kb && k >= chunkFromK && m * n > 0) {
      const out = chunkedProduct(backend, a, b, transposeA, transposeB, m, k, n);
      const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      return view(out, [...batchShape, m, n]);
    }
  }
  const ops = explicitOperands(backend, a, b, attrs.transposeA === true, attrs.transposeB === true);
  try {
    return product(backend, ops);
  } finally {
    releaseOperands(backend, ops);
  }
}

/** `_FusedMatMul`: `activation(a x b + bias)` with explicit transposes. */
export function fusedMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = inputsOf(args, 'a', 'b');
  const { bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs ?? {};
  const simd = simdGemmEnabled ? simdFunctions(backend) : null;
  if (simd !== null) {
    const product = simdProduct(backend, simd, a, b, attrs.transposeA === true, attrs.transposeB === true);
    return applyBiasAndActivation(backend, product, { bias, prelu: preluActivationWeights, attrs });
  }
  const ops = explicitOperands(backend, a, b, attrs.transposeA === true, attrs.transposeB === true);
  try {
    return product(backend, ops, { bias, prelu: preluActivationWeights, attrs });
  } finally {
    releaseOperands(backend, ops);
  }
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const batchMatMulConfig: tf.KernelConfig = { kernelName: tf.BatchMatMul, backendName: WASM, kernelFunc: batchMatMul as tf.KernelFunc };
export const fusedMatMulConfig: tf.KernelConfig = { kernelName: tf._FusedMatMul, backendName: WASM, kernelFunc: fusedMatMul as tf.KernelFunc };
