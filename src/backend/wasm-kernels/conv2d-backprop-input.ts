import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, free, heapF32, run, inputsOf, type KernelArgs } from './kernel-utils';
import { nativeConv2D } from './conv2d-native';

/**
 * `Conv2DBackpropInput` for wasm: dx = the gradient of `conv2d(x, W)` with respect to x.
 *
 * The shipped kernel is a scalar loop. Here it becomes one stride-1 XNNPACK convolution
 * of dy with a filter built from W: with stride s, the rows of dx fall into s phases, and
 * phase r only ever meets the taps r, r+s, r+2s, ... of W (flipped, in/out channels
 * swapped). Stacking the s*s phase filters along the output channels gives one
 * convolution with `ceil(k/s)` taps; its output is interleaved back into dx (for s = 1
 * the convolution output already is dx). That convolution runs on the native BLAS where
 * the binding is in use (`nativeConv2D`).
 */
export function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = inputsOf(args, 'dy', 'filter');
  const attrs = args.attrs ?? {};
  const inputShape = attrs.inputShape as [number, number, number, number];
  const dataFormat = tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
  const s = info.strideHeight;
  if (dataFormat !== 'channelsLast' || info.strideWidth !== s || dy.dtype !== 'float32') {
    return run(backend, tf.Conv2DBackpropInput, args.inputs, attrs);
  }
  const [n, h, w, ci] = inputShape;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const co = info.outChannels;
  const ho = info.outHeight;
  const wo = info.outWidth;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Phase grid: dx row i belongs to (q, r) with i + padTop = s*q + r.
  const th = Math.ceil(kh / s);
  const tw = Math.ceil(kw / s);
  const q0h = Math.floor(padTop / s);
  const q1h = Math.floor((h - 1 + padTop) / s);
  const q0w = Math.floor(padLeft / s);
  const q1w = Math.floor((w - 1 + padLeft) / s);
  // Rows of dy the convolution reads: q0 - t + 1 .. q1 (outside [0, ho) is zero padding).
  const r0h = q0h - th + 1;
  const r0w = q0w - tw + 1;
  if (r0h > 0 || r0w > 0 || q1h < ho - 1 || q1w < wo - 1) {
    // Only reachable with unusual explicit padding; keep the shipped kernel there.
    return run(backend, tf.Conv2DBackpropInput, args.inputs, attrs);
  }
  const phases = s * s;
  const subFilter = alloc(backend, [th, tw, co, phases * ci]);
  {
    const f = heapF32(backend, subFilter);
    const wv = heapF32(backend, filter);
    f.fill(0);
    const outC = phases * ci;
    for (let a = 0; a < th; a++) {
      for (let b = 0; b < tw; b++) {
        for (let rh = 0; rh < s; rh++) {
          const srcRow = rh + s * (th - 1 - a);
          if (srcRow >= kh) continue;
          for (let rw = 0; rw < s; rw++) {
            const srcCol = rw + s * (tw - 1 - b);
            if (srcCol >= kw) continue;
            const phase = rh * s + rw;
            for (let c = 0; c < ci; c++) {
              const src = ((srcRow * kw + srcCol) * ci + c) * co;
              const dst = ((a * tw + b) * co) * outC + phase * ci + c;
              for (let o = 0; o < co; o++) f[dst + o * outC] = wv[src + o];
            }
          }
        }
      }
    }
  }
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [-r0h, q1h - (ho - 1)],
    [-r0w, q1w - (wo - 1)],
    [0, 0],
  ];
  const convInfo = tf.backend_util.computeConv2DInfo(dy.shape as [number, number, number, number], [th, tw, co, phases * ci], 1, 1, pad, undefined, false, 'channelsLast');
  const conv =
    nativeConv2D(backend, dy, subFilter, convInfo) ??
    run(backend, tf.Conv2D, { x: dy, filter: subFilter }, {
      strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined as unknown as string,
    });
  free(backend, subFilter);
  if (s === 1) return conv; // [n, h, w, ci] already
  // Interleave the phases: dx[n, i, j] = conv[n, qh - q0h, qw - q0w, phase(rh, rw)].
  const uh = q1h - q0h + 1;
  const uw = q1w - q0w + 1;
  const dx = alloc(backend, [n, h, w, ci]);
  const src = heapF32(backend, conv);
  const dst = heapF32(backend, dx);
  const srcPix = phases * ci;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      const qh = Math.floor((i + padTop) / s);
      const rh = i + padTop - s * qh;
      const srcRowBase = (b * uh + (qh - q0h)) * uw;
      let d = ((b * h + i) * w) * ci;
      for (let j = 0; j < w; j++) {
        const qw = Math.floor((j + padLeft) / s);
        const rw = j + padLeft - s * qw;
        const sOff = (srcRowBase + (qw - q0w)) * srcPix + (rh * s + rw) * ci;
        for (let c = 0; c < ci; c++) dst[d++] = src[sOff + c];
      }
    }
  }
  free(backend, conv);
  return dx;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: WASM,
  kernelFunc: conv2DBackpropInput as tf.KernelFunc,
};
