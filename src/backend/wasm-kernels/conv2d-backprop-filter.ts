import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, borrow, free, heapF32, inputsOf, run, unborrow, type KernelArgs } from './kernel-utils';

/**
 * `Conv2DBackpropFilter` for wasm (not shipped at all):
 * `dW[a, b, ci, co] = sum over n, y, x of xpad[n, s*y + a, s*x + b, ci] * dy[n, y, x, co]`.
 *
 * With P = n*ho*wo output pixels this is `cols^T [kh*kw*ci, P] x dy [P, co]`, cols being
 * the im2col matrix of x. XNNPACK products do not block their reduction axis, and here
 * it is P (huge), so the product runs over chunks of pixels: for each chunk, the slice of
 * cols^T is written on the heap (it stays in cache), multiplied by the matching rows of
 * dy (a view, no copy), and the partial filters are summed in float64.
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
    const part = run(backend, tf.BatchMatMul, { a, b: dyRows }, { transposeA: false, transposeB: false });
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

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
