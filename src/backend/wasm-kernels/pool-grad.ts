import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heapF32, run, inputsOf, type KernelArgs } from './kernel-utils';

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
  out.fill(0);
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let yo = 0; yo < ho; yo++) {
      const y0 = yo * sh - top;
      for (let xo = 0; xo < wo; xo++) {
        const x0 = xo * sw - left;
        best.fill(-Infinity);
        arg.fill(-1);
        for (let a = 0; a < fh; a++) {
          const yi = y0 + a * dh;
          if (yi < 0 || yi >= h) continue;
          for (let e = 0; e < fw; e++) {
            const xi = x0 + e * dw;
            if (xi < 0 || xi >= w) continue;
            const base = ((b * h + yi) * w + xi) * c;
            for (let k = 0; k < c; k++) {
              const v = xv[base + k];
              if (v > best[k]) {
                best[k] = v;
                arg[k] = base + k;
              }
            }
          }
        }
        const g = ((b * ho + yo) * wo + xo) * c;
        for (let k = 0; k < c; k++) if (arg[k] >= 0) out[arg[k]] += gv[g + k];
      }
    }
  }
  return dx;
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
