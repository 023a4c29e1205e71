import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, inputsOf, run, type KernelArgs } from './kernel-utils';
import { nativeConv2D } from './conv2d-native';

/**
 * Forward convolutions for wasm with `'same'` padding turned into explicit padding
 * before the shipped XNNPACK kernels run. With XNNPACK's own SAME mode the shipped
 * kernels return zeros when a filter side is smaller than its stride (e.g. a 2x3 filter
 * with stride 3); explicit padding computes the same convolution in every case.
 */
function explicitSame(kernelName: string, depthwise: boolean): tf.KernelFunc {
  return ((args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const attrs = args.attrs ?? {};
    const plain = kernelName === tf.Conv2D;
    if (attrs.pad !== 'same' && !plain) return run(backend, kernelName, args.inputs, attrs);
    const { x, filter } = inputsOf(args, 'x', 'filter');
    const dataFormat = tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number],
      (attrs.dilations as number | [number, number]) ?? 1,
      attrs.pad as 'same' | 'valid' | number | tf.backend_util.ExplicitPadding,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
      depthwise,
      dataFormat,
    );
    if (plain) {
      const native = nativeConv2D(backend, x, filter, info);
      if (native !== null) return native;
      if (attrs.pad !== 'same') return run(backend, kernelName, args.inputs, attrs);
    }
    const { top, bottom, left, right } = info.padInfo;
    const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return run(backend, kernelName, args.inputs, { ...attrs, pad } as unknown as tf.NamedAttrMap);
  }) as tf.KernelFunc;
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const conv2DConfig: tf.KernelConfig = { kernelName: tf.Conv2D, backendName: WASM, kernelFunc: explicitSame(tf.Conv2D, false) };
export const fusedConv2DConfig: tf.KernelConfig = { kernelName: tf.FusedConv2D, backendName: WASM, kernelFunc: explicitSame(tf.FusedConv2D, false) };
export const depthwiseConv2dNativeConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNative,
  backendName: WASM,
  kernelFunc: explicitSame(tf.DepthwiseConv2dNative, true),
};
export const fusedDepthwiseConv2DConfig: tf.KernelConfig = {
  kernelName: tf.FusedDepthwiseConv2D,
  backendName: WASM,
  kernelFunc: explicitSame(tf.FusedDepthwiseConv2D, true),
};
