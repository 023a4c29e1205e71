import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { alloc, free, heapF32, offsetOf } from './kernel-utils';
import { fillInputGrid, gridOf } from './conv-gemm';
import { wholeHeapF32 } from './gemm';
import { nativeProducts } from '../native/native-blas';

/** Input channels from which the per-tap products beat the shipped convolution (k = channels). */
const MIN_CHANNELS = 8;

/**
 * A stride-1 convolution (NHWC, float32, no dilation, padding >= 0) on the native BLAS, or
 * null where the binding is not in use or the convolution is not of that kind (the caller
 * then runs the shipped XNNPACK kernel).
 *
 * x is laid out on the zero-padded pixel grid of `conv-gemm.ts` (padding shared between
 * neighbouring rows and images), where tap (a, e) of output cell q is grid cell
 * q + a*wp + e: the output on the grid is then `sum over taps of grid[tap offset ..]
 * [cells, ci] x W[tap] [ci, co]`, one `sgemm` per tap reading the grid and the filter in
 * place and accumulating into one buffer, whose output cells are copied out. Fewer than
 * `MIN_CHANNELS` input channels make each product too thin; those stay with XNNPACK.
 */
export function nativeConv2D(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const native = nativeProducts();
  if (native === null || x.dtype !== 'float32' || filter.dtype !== 'float32' || info.dataFormat !== 'channelsLast') return null;
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const pads = info.padInfo;
  if (Math.min(pads.top, pads.bottom, pads.left, pads.right) < 0) return null;
  const [n, h, w, ci] = x.shape;
  const [kh, kw, , co] = filter.shape;
  if (ci < MIN_CHANNELS || n * h * w === 0 || co === 0) return null;
  const g = gridOf(n, h, w, kh, kw, pads);
  if (g.ho !== info.outHeight || g.wo !== info.outWidth) return null;
  const out = alloc(backend, [n, g.ho, g.wo, co]);
  const grid = alloc(backend, [g.span, ci]);
  const acc = alloc(backend, [g.cells, co]);
  try {
    fillInputGrid(backend, x, grid, g, ci, ci);
    const [gridAt, filterAt, accAt] = [grid, filter, acc].map((t) => offsetOf(backend, t) >> 2);
    const heap = wholeHeapF32(backend);
    const one = (value: number): Int32Array => Int32Array.of(value);
    const taps = g.taps.length;
    // First tap overwrites, the others accumulate.
    native.sgemmBatch(heap, false, false, g.cells, co, ci, 1, one(gridAt + g.taps[0] * ci), ci, one(filterAt), co, 0, one(accAt), co);
    if (taps > 1) {
      const aOffsets = Int32Array.from(g.taps.slice(1), (offset) => gridAt + offset * ci);
      const bOffsets = Int32Array.from({ length: taps - 1 }, (_, t) => filterAt + (t + 1) * ci * co);
      native.sgemmBatch(heap, false, false, g.cells, co, ci, 1, aOffsets, ci, bOffsets, co, 1, new Int32Array(taps - 1).fill(accAt), co);
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
  }
  return out;
}
