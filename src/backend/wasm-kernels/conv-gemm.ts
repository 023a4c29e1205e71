import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { alloc, free, heapF32, offsetOf } from './kernel-utils';
import { multiplyPacked, pack, wholeHeapF32 } from './gemm';
import { nativeProducts } from '../native/native-blas';
import { BLOCK_COLS, PANEL_ROWS } from '../simd/gemm-simd';
import { simdFunctions } from '../simd/simd-module';

/**
 * The filter gradient of a stride-1 convolution (NHWC, float32) as our SIMD matrix
 * product, without an im2col matrix: `dW^T [co, taps*ci] = dy^T [co, cells] x cols`.
 *
 * The input is laid out pixel-major on a zero-padded grid whose padding is shared between
 * neighbouring rows and images (channels padded to a multiple of 8): output cell
 * q = (b*hp + y)*wp + x reads tap (a, e) at grid cell q + a*wp + e, one fixed offset per
 * tap, so each packed block of B (8 channels of one tap) is one strided copy of the grid
 * (`pack8`). dy is spread on the grid's cells (zeros off the outputs), which makes it A^T
 * as it stands. Cells off the outputs cost 10-30% more arithmetic on the small images of
 * our encoders, in exchange for no copies per tap.
 *
 * With the native binding (`native/native-blas.ts`) the binding's `convGrid` writes the
 * im2row matrix of a chunk of cells at a time into a scratch that stays in cache and adds
 * `im2row^T x dy[chunk]` to dW with one `sgemm` a chunk (the grid then has exactly ci
 * floats a cell); a binding built before `convGrid` runs one `sgemm` per tap,
 * `dW[tap] [ci, co] = grid[tap offset ..]^T [ci, cells] x dyGrid [cells, co]`.
 *
 * (Forward convolutions and input gradients through our SIMD product measured slower
 * than XNNPACK's convolution here, so without the binding those stay with XNNPACK;
 * with it they run on the same grid, `conv2d-native.ts`.)
 */

/** Padding on each side (stride 1). */
export interface Pads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** A stride-1 convolution laid out on a zero-padded pixel grid (see the file comment). */
export interface Grid {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly ho: number;
  readonly wo: number;
  readonly kh: number;
  readonly kw: number;
  readonly hp: number;
  readonly wp: number;
  /** Grid index of input pixel (0, 0, 0). */
  readonly lead: number;
  readonly cells: number;
  /** Length of the grid (per channel): every tap of every cell in whole blocks of 8. */
  readonly span: number;
  /** Offset of tap (a, e) = a*wp + e, in cells. */
  readonly taps: number[];
}

/** The grid of a stride-1 convolution of `[n, h, w, *]` inputs with a `kh x kw` filter and `pads`. */
export function gridOf(n: number, h: number, w: number, kh: number, kw: number, pads: Pads): Grid {
  const ho = h + pads.top + pads.bottom - kh + 1;
  const wo = w + pads.left + pads.right - kw + 1;
  const hp = Math.max(h, ho) + Math.max(pads.top, pads.bottom);
  const wp = Math.max(w, wo) + Math.max(pads.left, pads.right);
  const cells = n * hp * wp;
  const lead = pads.top * wp + pads.left;
  const blocks = Math.ceil(cells / BLOCK_COLS);
  const span = Math.max(lead + cells, blocks * BLOCK_COLS + kh * wp + kw) + BLOCK_COLS;
  const taps: number[] = [];
  for (let a = 0; a < kh; a++) for (let e = 0; e < kw; e++) taps.push(a * wp + e);
  return { n, h, w, ho, wo, kh, kw, hp, wp, lead, cells, span, taps };
}

/** x onto the zero-padded pixel grid, `ciPad` floats a cell (channels past `ci` zero). */
export function fillInputGrid(backend: BackendWasm, x: tf.TensorInfo, grid: tf.TensorInfo, g: Grid, ci: number, ciPad: number): void {
  const gv = heapF32(backend, grid);
  const xv = heapF32(backend, x);
  gv.fill(0);
  for (let b = 0; b < g.n; b++) {
    for (let r = 0; r < g.h; r++) {
      const dst = (g.lead + (b * g.hp + r) * g.wp) * ciPad;
      const src = ((b * g.h + r) * g.w) * ci;
      if (ciPad === ci) gv.set(xv.subarray(src, src + g.w * ci), dst);
      else for (let i = 0; i < g.w; i++) for (let c = 0; c < ci; c++) gv[dst + i * ciPad + c] = xv[src + i * ci + c];
    }
  }
}

/** x onto the grid (`fillInputGrid`), dy onto the grid's cells (zeros elsewhere). */
function fillGrids(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  grid: tf.TensorInfo,
  dyGrid: tf.TensorInfo,
  g: Grid,
  ci: number,
  ciPad: number,
  co: number,
): void {
  fillInputGrid(backend, x, grid, g, ci, ciPad);
  const ov = heapF32(backend, dyGrid);
  const dv = heapF32(backend, dy);
  ov.fill(0);
  for (let b = 0; b < g.n; b++) {
    for (let r = 0; r < g.ho; r++) {
      const src = ((b * g.ho + r) * g.wo) * co;
      ov.set(dv.subarray(src, src + g.wo * co), ((b * g.hp + r) * g.wp) * co);
    }
  }
}

/** Floats of `convGrid`'s im2row scratch (cells x kh*kw*ci): it stays in L2 while its product runs. */
const SCRATCH_FLOATS = 65536;

/** Cells per chunk of `convGrid` for a reduction of `k` = kh*kw*ci: `SCRATCH_FLOATS` of scratch, at least 64 cells. */
export function im2rowChunk(k: number, cells: number): number {
  return Math.min(cells, Math.max(64, Math.floor(SCRATCH_FLOATS / k)));
}

/** Bytes of the packed operands per chunk of the reduction. */
const PACKED_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The filter gradient of a stride-1 convolution (`filterShape` `[kh, kw, ci, co]`), or
 * null where our SIMD product is not available.
 */
export function convFilterGradStrideOne(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: readonly number[],
  pads: Pads,
): tf.TensorInfo | null {
  const simd = x.dtype === 'float32' && dy.dtype === 'float32' ? simdFunctions(backend) : null;
  if (simd === null) return null;
  const [n, h, w, ci] = x.shape;
  const [kh, kw, , co] = filterShape;
  const g = gridOf(n, h, w, kh, kw, pads);
  const native = nativeProducts();
  // The binding's im2row copies a cell's channels wherever they lie; our SIMD packing wants whole blocks of 8.
  const ciPad = native?.convGrid !== undefined ? ci : Math.ceil(ci / BLOCK_COLS) * BLOCK_COLS;
  const columns = g.taps.length * ciPad;
  const blocks = columns / BLOCK_COLS;
  const panels = Math.ceil(co / PANEL_ROWS);
  // Chunks of cells (the reduction) keep the packed operands a few MB.
  const chunk = Math.max(BLOCK_COLS, Math.floor(PACKED_CHUNK_BYTES / ((columns + panels * PANEL_ROWS) * 4)));
  const dW = alloc(backend, [kh, kw, ci, co]);
  const grid = alloc(backend, [g.span, ciPad]);
  const dyGrid = alloc(backend, [g.cells, co]);
  if (native !== null) {
    const scratch = native.convGrid !== undefined ? alloc(backend, [im2rowChunk(kh * kw * ci, g.cells), kh * kw * ci]) : null;
    try {
      // No allocation below this line: heap offsets stay valid.
      fillGrids(backend, x, dy, grid, dyGrid, g, ci, ciPad, co);
      const taps = g.taps.length;
      const [gridAt, dyAt, dWAt] = [grid, dyGrid, dW].map((t) => offsetOf(backend, t) >> 2);
      if (scratch !== null && native.convGrid !== undefined) {
        // dW [taps*ci, co] = sum over chunks of cells of im2row^T x dy: one sgemm a chunk.
        native.convGrid(wholeHeapF32(backend), true, gridAt, ciPad, ci, g.wp, kh, kw, g.cells, dWAt, co, dyAt, offsetOf(backend, scratch) >> 2, scratch.shape[0]);
      } else {
        const aOffsets = Int32Array.from(g.taps, (offset) => gridAt + offset * ciPad);
        const bOffsets = new Int32Array(taps).fill(dyAt);
        const cOffsets = Int32Array.from({ length: taps }, (_, t) => dWAt + t * ci * co);
        native.sgemmBatch(wholeHeapF32(backend), true, false, ci, co, g.cells, 1, aOffsets, ciPad, bOffsets, co, 0, cOffsets, co);
      }
    } catch (error) {
      free(backend, dW);
      throw error;
    } finally {
      free(backend, grid, dyGrid);
      if (scratch !== null) free(backend, scratch);
    }
    return dW;
  }
  const ap = alloc(backend, [panels * chunk * PANEL_ROWS]);
  const bp = alloc(backend, [blocks * chunk * BLOCK_COLS]);
  const ct = alloc(backend, [panels * PANEL_ROWS, columns]);
  try {
    const [gridOff, dyGridOff, apOff, bpOff, ctOff] = [grid, dyGrid, ap, bp, ct].map((t) => offsetOf(backend, t));
    fillGrids(backend, x, dy, grid, dyGrid, g, ci, ciPad, co);
    const ov = heapF32(backend, dyGrid);
    const apView = heapF32(backend, ap);
    for (let q0 = 0; q0 < g.cells; q0 += chunk) {
      const kc = Math.min(chunk, g.cells - q0);
      // A = dy on the grid [cells, co] (already At), in panels of output channels.
      pack(simd, ov.subarray(q0 * co), dyGridOff + q0 * co * 4, apView, apOff, kc, co, PANEL_ROWS);
      // B = cols [cells, taps*ciPad]: block j is 8 channels of one tap, read in place.
      for (let j = 0; j < blocks; j++) {
        const tap = Math.floor((j * BLOCK_COLS) / ciPad);
        const c0 = (j * BLOCK_COLS) % ciPad;
        simd.pack8(gridOff + ((q0 + g.taps[tap]) * ciPad + c0) * 4, bpOff + j * kc * BLOCK_COLS * 4, kc, ciPad * 4);
      }
      multiplyPacked(simd, apOff, bpOff, ctOff, co, kc, blocks, columns * 4, q0 > 0);
    }
    // dW[t, c, o] = C^T[o, t*ciPad + c].
    const cv = heapF32(backend, ct);
    const out = heapF32(backend, dW);
    for (let t = 0; t < g.taps.length; t++) {
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) out[(t * ci + c) * co + o] = cv[o * columns + t * ciPad + c];
      }
    }
  } catch (error) {
    free(backend, dW);
    throw error;
  } finally {
    free(backend, grid, dyGrid, ap, bp, ct);
  }
  return dW;
}
