import * as tf from '@tensorflow/tfjs-core';
import { nativeProducts } from '../native/native-blas';

/** Elements from which a copy inside the heap goes to the native binding (below, the call costs more than it saves). */
export const NATIVE_COPY_MIN_ELEMENTS = 4096;

/**
 * Copies a strided window of `src` into contiguous `dst`: for every index vector `i` of
 * `shape` (row-major), `dst[dstOffset + flat(i)] = src[srcOffset + sum_d i[d]*srcStrides[d]]`.
 * Transposes, slices and crops are all this one loop.
 *
 * Axes of size 1 are dropped and axes contiguous in `src` merged first. Then: when the
 * innermost axis is contiguous in `src`, runs are copied (with `copyWithin` inside the
 * heap when long enough: no per-run allocation); when another axis is, the copy is a
 * batch of 2-D transposes done in cache-sized tiles; otherwise element by element. Where
 * the native binding is in use, large copies of 4-byte elements inside the heap run in its C
 * (`stridedCopy`: the same bits, without a JavaScript call per run).
 */
export function stridedCopy(
  src: tf.backend_util.TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: tf.backend_util.TypedArray,
  dstOffset: number,
  shape: readonly number[],
): void {
  const dims: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return;
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides[last] === srcStrides[d] * shape[d]) {
      dims[last] *= shape[d];
      strides[last] = srcStrides[d];
    } else {
      dims.push(shape[d]);
      strides.push(srcStrides[d]);
    }
  }
  const rank = dims.length;
  if (rank === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  const dstStrides = new Array<number>(rank);
  for (let d = rank - 1, acc = 1; d >= 0; d--) {
    dstStrides[d] = acc;
    acc *= dims[d];
  }
  const last = rank - 1;
  const inner = dims[last];
  const innerStride = strides[last];
  const tileAxis = innerStride === 1 ? -1 : strides.indexOf(1);
  // Axes walked by the odometer: all but the innermost (and the tile axis, if any).
  const walk: number[] = [];
  for (let d = 0; d < last; d++) if (d !== tileAxis) walk.push(d);
  const counter = new Array<number>(walk.length).fill(0);
  let rows = 1;
  for (const d of walk) rows *= dims[d];

  // Same heap on both sides: absolute indices for copyWithin.
  const bpe = src.BYTES_PER_ELEMENT;
  const sameHeap = src.buffer === dst.buffer && src.constructor === dst.constructor;
  const srcBase = src.byteOffset / bpe;
  const dstBase = dst.byteOffset / bpe;
  const copy = sameHeap && bpe === 4 && dims.reduce((p, q) => p * q, 1) >= NATIVE_COPY_MIN_ELEMENTS ? nativeProducts()?.stridedCopy : undefined;
  if (copy !== undefined) {
    const heap = new Float32Array(src.buffer as ArrayBuffer);
    copy(heap, srcBase + srcOffset, dstBase + dstOffset, Int32Array.from(dims), Int32Array.from(strides));
    return;
  }
  const whole = sameHeap ? new (src.constructor as Float32ArrayConstructor)(src.buffer as ArrayBuffer) : null;

  let s = srcOffset;
  let d = dstOffset;
  for (let row = 0; row < rows; row++) {
    if (innerStride === 1) {
      if (whole != null && inner >= 16) whole.copyWithin(dstBase + d, srcBase + s, srcBase + s + inner);
      else for (let k = 0; k < inner; k++) dst[d + k] = src[s + k];
    } else if (tileAxis < 0) {
      for (let k = 0, sk = s; k < inner; k++, sk += innerStride) dst[d + k] = src[sk];
    } else {
      transposeTiles(src, s, innerStride, dst, d, dstStrides[tileAxis], dims[tileAxis], inner);
    }
    // Advance the odometer.
    for (let k = walk.length - 1; k >= 0; k--) {
      const axis = walk[k];
      counter[k]++;
      s += strides[axis];
      d += dstStrides[axis];
      if (counter[k] < dims[axis]) break;
      s -= strides[axis] * dims[axis];
      d -= dstStrides[axis] * dims[axis];
      counter[k] = 0;
    }
  }
}

const TILE = 32;

/** `dst[d + j*dstStride + i] = src[s + j + i*srcStride]` for j < rowsJ, i < colsI, in tiles. */
function transposeTiles(
  src: tf.backend_util.TypedArray,
  s: number,
  srcStride: number,
  dst: tf.backend_util.TypedArray,
  d: number,
  dstStride: number,
  rowsJ: number,
  colsI: number,
): void {
  for (let j0 = 0; j0 < rowsJ; j0 += TILE) {
    const j1 = Math.min(j0 + TILE, rowsJ);
    for (let i0 = 0; i0 < colsI; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, colsI);
      for (let j = j0; j < j1; j++) {
        const dRow = d + j * dstStride;
        let sk = s + j + i0 * srcStride;
        for (let i = i0; i < i1; i++, sk += srcStride) dst[dRow + i] = src[sk];
      }
    }
  }
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d];
  }
  return strides;
}
