import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { alloc, free, heapF32, offsetOf } from './kernel-utils';
import { fillInputGrid, gridOf, im2rowChunk, type Grid } from './conv-gemm';
import { wholeHeapF32 } from './gemm';
import { nativeProducts, type NativeBlas } from '../native/native-blas';

/** Input channels from which the per-tap products beat the shipped convolution (k = channels), without `convGrid`. */
const MIN_CHANNELS = 8;

/** Floats of a chunk's accumulator (cells x output channels): a few hundred KB, so it stays in L2. */
const CHUNK_FLOATS = 65536;

/** Output cells per chunk of the per-tap products: `CHUNK_FLOATS` of accumulator, at least 64 cells. */
function chunkCells(ci: number, co: number): number {
  return Math.max(64, Math.floor(CHUNK_FLOATS / Math.max(ci, co)));
}

/**
 * A stride-1 convolution (NHWC, float32, no dilation, padding >= 0) on the native BLAS, or
 * null where the binding is not in use or the convolution is not of that kind (the caller
 * then runs the shipped XNNPACK kernel).
 *
 * x is laid out on the zero-padded pixel grid of `conv-gemm.ts` (padding shared between
 * neighbouring rows and images), where tap (a, e) of output cell q is grid cell
 * q + a*wp + e. The binding's `convGrid` then computes the output on the grid chunk of cells
 * after chunk, each chunk's im2row matrix times the whole filter in one `sgemm` (reduction
 * kh*kw*ci); the output cells are copied out. A binding built before `convGrid` runs one
 * `sgemm` per tap instead (reduction ci, accumulating over the taps, chunk by chunk so the
 * accumulator stays in cache); those products are too thin below `MIN_CHANNELS` input
 * channels, which then stay with XNNPACK.
 */
export function nativeConv2D(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const native = nativeProducts();
  if (native === null || x.dtype !== 'float32' || filter.dtype !== 'float32' || info.dataFormat !== 'channelsLast') return null;
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const pads = info.padInfo;
  if (Math.min(pads.top, pads.bottom, pads.left, pads.right) < 0) return null;
  const [n, h, w, ci] = x.shape;
  const [kh, kw, , co] = filter.shape;
  if (n * h * w === 0 || co === 0 || ci === 0) return null;
  if (native.convGrid === undefined && ci < MIN_CHANNELS) return null;
  const g = gridOf(n, h, w, kh, kw, pads);
  if (g.ho !== info.outHeight || g.wo !== info.outWidth) return null;
  const out = alloc(backend, [n, g.ho, g.wo, co]);
  const grid = alloc(backend, [g.span, ci]);
  const acc = alloc(backend, [g.cells, co]);
  const chunk = im2rowChunk(kh * kw * ci, g.cells);
  const scratch = native.convGrid !== undefined ? alloc(backend, [chunk, kh * kw * ci]) : null;
  try {
    // No allocation below this line: heap offsets and views stay valid.
    fillInputGrid(backend, x, grid, g, ci, ci);
    const [gridAt, filterAt, accAt] = [grid, filter, acc].map((t) => offsetOf(backend, t) >> 2);
    const heap = wholeHeapF32(backend);
    if (scratch !== null && native.convGrid !== undefined) {
      native.convGrid(heap, false, gridAt, ci, ci, g.wp, kh, kw, g.cells, filterAt, co, accAt, offsetOf(backend, scratch) >> 2, chunk);
    } else {
      perTapProducts(native, heap, g, ci, co, gridAt, filterAt, accAt);
    }
    const av = heapF32(backend, acc);
    const ov = heapF32(backend, out);
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < g.ho; r++) {
        const src = ((b * g.hp + r) * g.wp) * co;
        ov.set(av.subarray(src, src + g.wo * co), ((b * g.ho + r) * g.wo) * co);
      }
    }
  } catch (error) {
    free(backend, out);
    throw error;
  } finally {
    free(backend, grid, acc);
    if (scratch !== null) free(backend, scratch);
  }
  return out;
}

/**
 * The output on the grid as one `sgemm` per tap (reduction ci), accumulating over the taps
 * in order, chunk of cells after chunk so the chunk's accumulator stays in cache.
 */
function perTapProducts(native: NativeBlas, heap: Float32Array, g: Grid, ci: number, co: number, gridAt: number, filterAt: number, accAt: number): void {
  const taps = g.taps.length;
  const chunk = chunkCells(ci, co);
  const first = new Int32Array(1);
  const filterFirst = Int32Array.of(filterAt);
  const target = new Int32Array(1);
  const aOffsets = new Int32Array(taps - 1);
  const bOffsets = Int32Array.from({ length: taps - 1 }, (_, t) => filterAt + (t + 1) * ci * co);
  const cOffsets = new Int32Array(taps - 1);
  for (let q0 = 0; q0 < g.cells; q0 += chunk) {
    const rows = Math.min(chunk, g.cells - q0);
    first[0] = gridAt + (q0 + g.taps[0]) * ci;
    target[0] = accAt + q0 * co;
    native.sgemmBatch(heap, false, false, rows, co, ci, 1, first, ci, filterFirst, co, 0, target, co);
    if (taps === 1) continue;
    for (let t = 1; t < taps; t++) aOffsets[t - 1] = gridAt + (q0 + g.taps[t]) * ci;
    cOffsets.fill(accAt + q0 * co);
    native.sgemmBatch(heap, false, false, rows, co, ci, 1, aOffsets, ci, bOffsets, co, 1, cOffsets, co);
  }
}
