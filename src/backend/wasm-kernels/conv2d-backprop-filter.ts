import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, borrow, free, heapF32, inputsOf, run, unborrow, view, type KernelArgs } from './kernel-utils';
import { simdGemm } from './gemm';
import { convFilterGradStrideOne } from './conv-gemm';
import { simdFunctions } from '../simd/simd-module';
import { nativeProducts } from '../native/native-blas';

/** `cols^T [1, rows, count] x dy [1, count, co]`: our SIMD product where available, else XNNPACK. */
function chunkProduct(backend: BackendWasm, colsT: tf.TensorInfo, dyRows: tf.TensorInfo): tf.TensorInfo {
  const simd = simdFunctions(backend);
  if (simd === null) return run(backend, tf.BatchMatMul, { a: colsT, b: dyRows }, { transposeA: false, transposeB: false });
  return simdGemm(backend, simd, view(colsT, colsT.shape.slice(1)), view(dyRows, dyRows.shape.slice(1)), false, false);
}

/**
 * `Conv2DBackpropFilter` for wasm (not shipped at all):
 * `dW[a, b, ci, co] = sum over n, y, x of xpad[n, s*y + a, s*x + b, ci] * dy[n, y, x, co]`.
 *
 * With P = n*ho*wo output pixels this is `cols^T [kh*kw*ci, P] x dy [P, co]`, cols being
 * the im2col matrix of x. XNNPACK products do not block their reduction axis, and here
 * it is P (huge), so the product runs over chunks of pixels: for each chunk, the slice of
 * cols^T is written on the heap (it stays in cache), multiplied by the matching rows of
 * dy (a view, no copy), and the partial filters are summed in float64.
 *
 * Stride 1 writes cols^T with long memory copies only: x is laid out channel-major on a
 * zero-padded grid whose padding is shared between neighbouring rows and images, so tap
 * (a, b) of every pixel is one fixed offset away and each row of cols^T is one slice of
 * that grid; dy is spread on the same grid (zeros off the outputs).
 */
export function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = inputsOf(args, 'x', 'dy');
  const attrs = args.attrs ?? {};
  const filterShape = attrs.filterShape as [number, number, number, number];
  const dataFormat = tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  if (dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, found ${String(attrs.dataFormat)}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
  const [kh, kw, ci, co] = filterShape;
  const [n, h, w] = x.shape;
  const { strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rows = kh * kw * ci;
  const pixels = n * ho * wo;
  // Chunk of pixels: the cols^T slice (rows x chunk floats) about 1 MB.
  const chunk = Math.max(64, Math.min(pixels, Math.floor(262144 / rows)));
  const acc = new Float64Array(rows * co);
  if (sh === 1 && sw === 1) {
    const pad = info.padInfo;
    // Our product straight from the grid, where no channels need padding (for 3 input
    // channels the chunked columns below are faster).
    if ((ci % 8 === 0 || nativeProducts()?.convGrid !== undefined) && info.dilationHeight === 1 && info.dilationWidth === 1 && Math.min(pad.top, pad.bottom, pad.left, pad.right) >= 0) {
      const dW = convFilterGradStrideOne(backend, x, dy, filterShape, pad);
      if (dW !== null) return dW;
    }
    strideOnePath(backend, x, dy, acc, { kh, kw, ci, co, n, h, w, ho, wo, top, left, padV: Math.max(pad.top, pad.bottom), padH: Math.max(pad.left, pad.right) });
    const dW = alloc(backend, [kh, kw, ci, co]);
    heapF32(backend, dW).set(acc);
    return dW;
  }
  const colsT = alloc(backend, [1, rows, chunk]);
  for (let p0 = 0; p0 < pixels; p0 += chunk) {
    const count = Math.min(chunk, pixels - p0);
    // Write cols^T[:, 0:count] for pixels p0 .. p0+count-1.
    const a = count === chunk ? colsT : borrow(backend, colsT, 0, [1, rows, count]);
    {
      const cols = heapF32(backend, colsT);
      const xv = heapF32(backend, x);
      const b0 = Math.floor(p0 / (ho * wo));
      const y0 = Math.floor((p0 % (ho * wo)) / wo);
      const x0 = p0 % wo;
      for (let fy = 0; fy < kh; fy++) {
        for (let fx = 0; fx < kw; fx++) {
          const rowBase = (fy * kw + fx) * ci * count;
          let b = b0;
          let y = y0;
          let xo = x0;
          for (let q = 0; q < count; q++) {
            const yi = y * sh + fy - top;
            const xi = xo * sw + fx - left;
            let m = rowBase + q;
            if (yi < 0 || yi >= h || xi < 0 || xi >= w) {
              for (let c = 0; c < ci; c++, m += count) cols[m] = 0;
            } else {
              const src = ((b * h + yi) * w + xi) * ci;
              for (let c = 0; c < ci; c++, m += count) cols[m] = xv[src + c];
            }
            if (++xo === wo) {
              xo = 0;
              if (++y === ho) {
                y = 0;
                b++;
              }
            }
          }
        }
      }
    }
    const dyRows = borrow(backend, dy, p0 * co, [1, count, co]);
    const part = chunkProduct(backend, a, dyRows);
    unborrow(backend, dyRows);
    if (a !== colsT) unborrow(backend, a);
    const pv = heapF32(backend, part);
    for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
    free(backend, part);
  }
  free(backend, colsT);
  const dW = alloc(backend, [kh, kw, ci, co]);
  heapF32(backend, dW).set(acc);
  return dW;
}

interface StrideOne {
  kh: number;
  kw: number;
  ci: number;
  co: number;
  n: number;
  h: number;
  w: number;
  ho: number;
  wo: number;
  top: number;
  left: number;
  /** Zero rows / columns kept between images / rows (the larger padding). */
  padV: number;
  padH: number;
}

/** Stride-1 filter gradient on the shared-padding grid (see `conv2DBackpropFilter`). */
function strideOnePath(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, acc: Float64Array, g: StrideOne): void {
  const { kh, kw, ci, co, n, h, w, ho, wo, top, left } = g;
  const hp = Math.max(h, ho) + g.padV;
  const wp = Math.max(w, wo) + g.padH;
  const cells = n * hp * wp; // anchors q = (b*hp + y)*wp + x
  const lead = top * wp + left; // zeros before the first pixel so tap offsets are >= 0
  const span = lead + cells + (kh + 1) * wp + kw; // grid length per channel, with tail zeros
  const rows = kh * kw * ci;
  // x -> grid [ci, span]: pixel (b, y, x) at lead + (b*hp + y)*wp + x.
  const grid = alloc(backend, [ci, span]);
  const dyGrid = alloc(backend, [cells, co]);
  const chunk = Math.max(256, Math.min(cells, Math.floor(262144 / rows)));
  const colsT = alloc(backend, [1, rows, chunk]);
  {
    const gv = heapF32(backend, grid);
    const xv = heapF32(backend, x);
    gv.fill(0);
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < h; y++) {
        const src = (b * h + y) * w * ci;
        const dst = lead + (b * hp + y) * wp;
        // Transpose the row [w, ci] into ci rows of the grid, in tiles of 32 channels.
        for (let c0 = 0; c0 < ci; c0 += 32) {
          const c1 = Math.min(ci, c0 + 32);
          for (let xi = 0; xi < w; xi++) {
            const s0 = src + xi * ci;
            for (let c = c0; c < c1; c++) gv[c * span + dst + xi] = xv[s0 + c];
          }
        }
      }
    }
    // dy -> dyGrid [cells, co]: output (b, y, x) at (b*hp + y)*wp + x, zeros elsewhere.
    const dv = heapF32(backend, dy);
    const ov = heapF32(backend, dyGrid);
    ov.fill(0);
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < ho; y++) {
        const src = (b * ho + y) * wo * co;
        ov.set(dv.subarray(src, src + wo * co), ((b * hp + y) * wp) * co);
      }
    }
  }
  for (let q0 = 0; q0 < cells; q0 += chunk) {
    const count = Math.min(chunk, cells - q0);
    {
      const gv = heapF32(backend, grid);
      const cv = heapF32(backend, colsT);
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const offset = q0 + a * wp + b;
          for (let c = 0; c < ci; c++) {
            const start = c * span + offset;
            cv.set(gv.subarray(start, start + count), ((a * kw + b) * ci + c) * count);
          }
        }
      }
    }
    const a = borrow(backend, colsT, 0, [1, rows, count]);
    const dyRows = borrow(backend, dyGrid, q0 * co, [1, count, co]);
    const part = chunkProduct(backend, a, dyRows);
    unborrow(backend, a, dyRows);
    const pv = heapF32(backend, part);
    for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
    free(backend, part);
  }
  free(backend, grid, dyGrid, colsT);
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
