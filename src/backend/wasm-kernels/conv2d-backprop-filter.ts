import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, free, heapF32, run, inputsOf, type KernelArgs } from './kernel-utils';
import { stridedCopy, stridesOf } from './strided-copy';
import { transposeInfo } from './transpose';

/**
 * `Conv2DBackpropFilter` for wasm (not shipped at all): dW[a, b, ci, co] =
 * sum over n, y, x of xpad[n, a + s*y, b + s*x, ci] * dy[n, y, x, co].
 *
 * This is itself a convolution: with the batch as input channels, x seen as
 * `[ci, h, w, n]` and dy as a `[ho, wo, n, co]` filter dilated by the stride, one XNNPACK
 * convolution gives `[ci, kh, kw, co]`.
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
  const [, h, w] = x.shape;
  const { strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Output of the dilated convolution: h + padTop + padBottom - sh*(ho-1) rows, want >= kh.
  const padBottom = Math.max(0, kh + sh * (ho - 1) - h - padTop);
  const padRight = Math.max(0, kw + sw * (wo - 1) - w - padLeft);
  const xT = transposeInfo(backend, x, [3, 1, 2, 0]); // [ci, h, w, n]
  const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]); // [ho, wo, n, co]
  const conv = run(backend, tf.Conv2D, { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [sh, sw],
  } as unknown as tf.NamedAttrMap);
  free(backend, xT, dyT);
  // conv: [ci, oh, ow, co] with oh >= kh, ow >= kw -> dW [kh, kw, ci, co].
  const dW = alloc(backend, [kh, kw, ci, co]);
  const cs = stridesOf(conv.shape);
  stridedCopy(heapF32(backend, conv), 0, [cs[1], cs[2], cs[0], cs[3]], heapF32(backend, dW), 0, [kh, kw, ci, co]);
  free(backend, conv);
  return dW;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
