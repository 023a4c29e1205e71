import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heapF32, offsetOf, run, inputsOf, type KernelArgs } from './kernel-utils';
import { simdFunctions } from '../simd/simd-module';

/**
 * Pooling gradients for wasm, written as single passes over the heap.
 *
 * `MaxPoolGrad`: the shipped kernel starts its running maximum at the smallest positive
 * float, so windows whose values are all <= 0 lose their gradient. Here each window's
 * gradient goes to its first maximum in row-major order (TensorFlow's rule; padding never
 * wins), found again from the input.
 *
 * `AvgPoolGrad`: each window spreads its gradient evenly over the input cells it covers.
 * The divisor is the number of non-padding cells, as in the forward pass of every tfjs
 * backend and in TensorFlow (the tfjs `cpu` kernel divides by the full window instead,
 * which differs from its own forward pass at padded borders).
 */

function poolInfo(x: tf.TensorInfo, attrs: tf.NamedAttrMap): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
}

/** Kernel function for `MaxPoolGrad` (inputs `dy`, `input`, `output`). */
export function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = inputsOf(args, 'dy', 'input');
  const info = poolInfo(input, args.attrs ?? {});
  const [n, h, w, c] = input.shape;
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: fh, filterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dx = alloc(backend, input.shape);
  const xv = heapF32(backend, input);
  const gv = heapF32(backend, dy);
  const out = heapF32(backend, dx);
  // Windows that tile the input without overlap or padding: every cell is written once.
  const tiling = fh === sh && fw === sw && dh === 1 && dw === 1 && top === 0 && left === 0 && ho * fh <= h && wo * fw <= w;
  if (!tiling || ho * fh !== h || wo * fw !== w) out.fill(0);
  if (tiling && fh === 2 && fw === 2) {
    const simd = c % 4 === 0 ? simdFunctions(backend) : null;
    if (simd !== null) {
      const [x0, g0, o0] = [offsetOf(backend, input), offsetOf(backend, dy), offsetOf(backend, dx)];
      for (let b = 0; b < n; b++) {
        for (let yo = 0; yo < ho; yo++) {
          const row = ((b * h + 2 * yo) * w) * c * 4;
          simd.maxPoolGrad2x2Row(x0 + row, g0 + (b * ho + yo) * wo * c * 4, o0 + row, wo, c * 4, w * c * 4);
        }
      }
    } else {
      maxPoolGrad2x2(xv, gv, out, n, h, w, c, ho, wo);
    }
    return dx;
  }
  const taps = new Int32Array(fh * fw); // heap offsets of the window's cells (channel 0)
  for (let b = 0; b < n; b++) {
    for (let yo = 0; yo < ho; yo++) {
      const y0 = yo * sh - top;
      for (let xo = 0; xo < wo; xo++) {
        const x0 = xo * sw - left;
        let count = 0;
        for (let a = 0; a < fh; a++) {
          const yi = y0 + a * dh;
          if (yi < 0 || yi >= h) continue;
          for (let e = 0; e < fw; e++) {
            const xi = x0 + e * dw;
            if (xi >= 0 && xi < w) taps[count++] = ((b * h + yi) * w + xi) * c;
          }
        }
        const g = ((b * ho + yo) * wo + xo) * c;
        for (let k = 0; k < c; k++) {
          let bestValue = -Infinity;
          let bestIndex = -1;
          for (let t = 0; t < count; t++) {
            const v = xv[taps[t] + k];
            if (v > bestValue) {
              bestValue = v;
              bestIndex = taps[t] + k;
            }
          }
          if (tiling) {
            for (let t = 0; t < count; t++) out[taps[t] + k] = 0;
          }
          if (bestIndex >= 0) {
            if (tiling) out[bestIndex] = gv[g + k];
            else out[bestIndex] += gv[g + k];
          }
        }
      }
    }
  }
  return dx;
}

/**
 * The common 2x2 / stride 2 case, branch-free: per channel the first of the four cells
 * holding the window maximum gets dy, the others 0 (none when all are -Infinity or NaN).
 */
function maxPoolGrad2x2(
  xv: Float32Array,
  gv: Float32Array,
  out: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  ho: number,
  wo: number,
): void {
  const down = w * c;
  for (let b = 0; b < n; b++) {
    for (let yo = 0; yo < ho; yo++) {
      for (let xo = 0; xo < wo; xo++) {
        const i0 = ((b * h + 2 * yo) * w + 2 * xo) * c;
        const i1 = i0 + c;
        const i2 = i0 + down;
        const i3 = i2 + c;
        const g = ((b * ho + yo) * wo + xo) * c;
        for (let k = 0; k < c; k++) {
          const v0 = xv[i0 + k];
          const v1 = xv[i1 + k];
          const v2 = xv[i2 + k];
          const v3 = xv[i3 + k];
          const top = v1 > v0 ? v1 : v0;
          const topAt = v1 > v0 ? 1 : 0;
          const bottom = v3 > v2 ? v3 : v2;
          const bottomAt = v3 > v2 ? 3 : 2;
          const max = bottom > top ? bottom : top;
          // The first cell beating -Infinity (NaN never does), as in TensorFlow.
          const at = max > -Infinity ? (bottom > top ? bottomAt : topAt) : -1;
          const d = gv[g + k];
          out[i0 + k] = at === 0 ? d : 0;
          out[i1 + k] = at === 1 ? d : 0;
          out[i2 + k] = at === 2 ? d : 0;
          out[i3 + k] = at === 3 ? d : 0;
        }
      }
    }
  }
}

/** Kernel function for `AvgPoolGrad` (inputs `dy`, `input`). */
export function avgPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = inputsOf(args, 'dy', 'input');
  const info = poolInfo(input, args.attrs ?? {});
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    return run(backend, tf.AvgPoolGrad, args.inputs, args.attrs);
  }
  const [n, h, w, c] = input.shape;
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dx = alloc(backend, input.shape);
  const gv = heapF32(backend, dy);
  const out = heapF32(backend, dx);
  out.fill(0);
  for (let b = 0; b < n; b++) {
    for (let yo = 0; yo < ho; yo++) {
      const y0 = Math.max(0, yo * sh - top);
      const y1 = Math.min(h, yo * sh - top + fh);
      for (let xo = 0; xo < wo; xo++) {
        const x0 = Math.max(0, xo * sw - left);
        const x1 = Math.min(w, xo * sw - left + fw);
        const count = (y1 - y0) * (x1 - x0);
        if (count <= 0) continue;
        const scale = 1 / count;
        const g = ((b * ho + yo) * wo + xo) * c;
        for (let yi = y0; yi < y1; yi++) {
          for (let xi = x0; xi < x1; xi++) {
            const base = ((b * h + yi) * w + xi) * c;
            for (let k = 0; k < c; k++) out[base + k] += gv[g + k] * scale;
          }
        }
      }
    }
  }
  return dx;
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const maxPoolGradConfig: tf.KernelConfig = { kernelName: tf.MaxPoolGrad, backendName: WASM, kernelFunc: maxPoolGrad as tf.KernelFunc };
export const avgPoolGradConfig: tf.KernelConfig = { kernelName: tf.AvgPoolGrad, backendName: WASM, kernelFunc: avgPoolGrad as tf.KernelFunc };
