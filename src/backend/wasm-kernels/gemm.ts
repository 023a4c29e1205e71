import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { alloc, free, heapF32, offsetOf, view } from './kernel-utils';
import { transposeInfo } from './transpose';
import { BLOCK_COLS, PANEL_ROWS } from '../simd/gemm-simd';
import type { SimdFunctions } from '../simd/simd-module';
import { nativeProducts, type NativeBlas } from '../native/native-blas';

/**
 * Our own 2-D matrix product `C [m, n] = op(A) op(B)` on the wasm heap, with the SIMD
 * inner loops of `simd/gemm-simd.ts`. XNNPACK, which the shipped kernel calls, packs its
 * second operand on every call with a new tensor (in training, every call) and is only
 * reached without transposes; here both operands are packed by fast block copies, any
 * transpose is one SIMD transpose, and the reduction runs in chunks that stay in cache.
 *
 * Layout: A is brought to `At [k, m]` (a transpose unless `transposeA`), B to `[k, n]`
 * (a transpose if `transposeB`); panels of 4 rows of A and blocks of 8 columns of B are
 * packed contiguously (zero-padded at the edges); C is computed in 4 x 8 tiles, chunk of
 * k after chunk of k, into C itself or, when m or n is not a multiple of the tile, into a
 * padded scratch copied out at the end. It runs on the calling thread only: helper
 * threads sharing the rows measured slower on the 2-thread backend (MLP step 143 ms with
 * a helper, 88 ms without).
 *
 * Where the native binding loads (`native/native-blas.ts`), every product here is instead
 * one `sgemm` of the system's BLAS per batch entry, reading the operands where they lie on
 * the heap (transposes are the BLAS's flags) and writing the output in place.
 */

/**
 * `op(a) op(b)` for 2-D float32 `a` (`[m, k]`, or `[k, m]` when `transposeA`) and `b`
 * (`[k, n]`, or `[n, k]` when `transposeB`); returns a new `[m, n]` tensor info.
 */
export function simdGemm(
  backend: BackendWasm,
  simd: SimdFunctions,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const one = new Int32Array(1);
  const [ra, ca] = a.shape.slice(-2);
  const [rb, cb] = b.shape.slice(-2);
  const out = alloc(backend, [transposeA ? ca : ra, transposeB ? rb : cb]);
  try {
    simdBatchGemm(backend, simd, view(a, [1, ra, ca]), view(b, [1, rb, cb]), transposeA, transposeB, one, one, out);
  } catch (error) {
    free(backend, out);
    throw error;
  }
  return out;
}

/**
 * A batch of products `out[i] = op(a[ia[i]]) op(b[ib[i]])` for `a` `[batchA, m, k]` (or
 * `[batchA, k, m]` when `transposeA`), `b` `[batchB, k, n]` (or `[batchB, n, k]`) and
 * `out` with `ia.length` entries of `m * n`. Transposes run once for the whole batch
 * and the packing buffers are shared by all entries.
 */
export function simdBatchGemm(
  backend: BackendWasm,
  simd: SimdFunctions,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  ia: Int32Array,
  ib: Int32Array,
  out: tf.TensorInfo,
): void {
  const [batchA, ra, ca] = a.shape;
  const [batchB, rb, cb] = b.shape;
  const m = transposeA ? ca : ra;
  const k = transposeA ? ra : ca;
  const n = transposeB ? rb : cb;
  if (m === 0 || n === 0 || ia.length === 0) return;
  if (k === 0) {
    heapF32(backend, out).fill(0);
    return;
  }
  const native = nativeProducts();
  if (native !== null) {
    nativeBatchGemm(backend, native, a, b, transposeA, transposeB, ia, ib, out, m, k, n);
    return;
  }
  const at = transposeA ? null : transposeInfo(backend, view(a, [batchA, m, k]), [0, 2, 1]);
  const bk = transposeB ? transposeInfo(backend, view(b, [batchB, n, k]), [0, 2, 1]) : null;
  const panels = Math.ceil(m / PANEL_ROWS);
  const blocks = Math.ceil(n / BLOCK_COLS);
  const padded = m % PANEL_ROWS !== 0 || n % BLOCK_COLS !== 0;
  const ap = alloc(backend, [panels * k * PANEL_ROWS]);
  const bp = alloc(backend, [blocks * k * BLOCK_COLS]);
  const c = padded ? alloc(backend, [panels * PANEL_ROWS, blocks * BLOCK_COLS]) : null;
  try {
    // No allocation below this line: heap windows stay valid.
    const atInfo = at ?? a;
    const bInfo = bk ?? b;
    const [atOff, bOff, apOff, bpOff, outOff] = [atInfo, bInfo, ap, bp, out].map((info) => offsetOf(backend, info));
    const [atView, bView, apView, bpView, outView] = [atInfo, bInfo, ap, bp, out].map((info) => heapF32(backend, info));
    const cOff = c !== null ? offsetOf(backend, c) : 0;
    const cView = c !== null ? heapF32(backend, c) : null;
    const width = blocks * BLOCK_COLS;
    for (let i = 0; i < ia.length; i++) {
      const aStart = ia[i] * m * k;
      const bStart = ib[i] * k * n;
      pack(simd, atView.subarray(aStart), atOff + aStart * 4, apView, apOff, k, m, PANEL_ROWS);
      pack(simd, bView.subarray(bStart), bOff + bStart * 4, bpView, bpOff, k, n, BLOCK_COLS);
      if (cView === null) {
        multiplyPacked(simd, apOff, bpOff, outOff + i * m * n * 4, m, k, blocks, n * 4, false);
      } else {
        multiplyPacked(simd, apOff, bpOff, cOff, m, k, blocks, width * 4, false);
        for (let r = 0; r < m; r++) outView.set(cView.subarray(r * width, r * width + n), (i * m + r) * n);
      }
    }
  } finally {
    free(backend, ap, bp);
    if (c !== null) free(backend, c);
    if (at != null) free(backend, at);
    if (bk != null) free(backend, bk);
  }
}

/** The last view `wholeHeapF32` made, kept while the heap's buffer is the same (growing the memory replaces it). */
let lastHeapView: Float32Array | null = null;

/** A Float32Array over the whole wasm heap (take it after the last allocation). */
export function wholeHeapF32(backend: BackendWasm): Float32Array {
  const buffer = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
  if (lastHeapView === null || lastHeapView.buffer !== buffer || lastHeapView.length !== buffer.byteLength >> 2) {
    lastHeapView = new Float32Array(buffer, 0, buffer.byteLength >> 2);
  }
  return lastHeapView;
}

/** `simdBatchGemm` on the native BLAS: one `sgemm` per entry, operands read in place. */
function nativeBatchGemm(
  backend: BackendWasm,
  native: NativeBlas,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  ia: Int32Array,
  ib: Int32Array,
  out: tf.TensorInfo,
  m: number,
  k: number,
  n: number,
): void {
  const [aBase, bBase, cBase] = [a, b, out].map((info) => offsetOf(backend, info) >> 2);
  const count = ia.length;
  const aOffsets = new Int32Array(count);
  const bOffsets = new Int32Array(count);
  const cOffsets = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    aOffsets[i] = aBase + ia[i] * m * k;
    bOffsets[i] = bBase + ib[i] * k * n;
    cOffsets[i] = cBase + i * m * n;
  }
  native.sgemmBatch(wholeHeapF32(backend), transposeA, transposeB, m, n, k, 1, aOffsets, transposeA ? m : k, bOffsets, transposeB ? k : n, 0, cOffsets, n);
}

/**
 * `C = Ap Bp` for operands packed as in `pack` (A: `m` rows in panels, B: `blocks` blocks
 * of 8 columns, both over `k` steps) into C at byte offset `cOff` with rows `ldC` bytes
 * apart (room for whole panels and blocks); `accumulate` adds to C instead.
 */
export function multiplyPacked(
  simd: SimdFunctions,
  apOff: number,
  bpOff: number,
  cOff: number,
  m: number,
  k: number,
  blocks: number,
  ldC: number,
  accumulate: boolean,
): void {
  simd.gemmRange(apOff, bpOff, cOff, k, 0, Math.ceil(m / PANEL_ROWS), blocks, ldC, accumulate ? 1 : 0);
}

/**
 * Packs `src [k, width]` (row-major, byte offset `srcOff`) into panels of `size` columns:
 * `dst[p][r][j] = src[r, size * p + j]`, zeros past `width`. Whole panels by SIMD copies,
 * the last partial one here.
 */
export function pack(
  simd: SimdFunctions,
  src: Float32Array,
  srcOff: number,
  dst: Float32Array,
  dstOff: number,
  k: number,
  width: number,
  size: number,
): void {
  const whole = Math.floor(width / size);
  const copy = size === PANEL_ROWS ? simd.pack4 : simd.pack8;
  for (let p = 0; p < whole; p++) copy(srcOff + p * size * 4, dstOff + p * k * size * 4, k, width * 4);
  const rest = width - whole * size;
  if (rest === 0) return;
  const base = whole * k * size;
  for (let r = 0; r < k; r++) {
    for (let j = 0; j < size; j++) dst[base + r * size + j] = j < rest ? src[r * width + whole * size + j] : 0;
  }
}
