import * as tf from '@tensorflow/tfjs-core';
import { WASM, rememberShipped, shippedConfig } from './kernel-utils';
import { batchMatMulConfig, fusedMatMulConfig } from './mat-mul';
import { conv2DConfig, depthwiseConv2dNativeConfig, fusedConv2DConfig, fusedDepthwiseConv2DConfig } from './conv2d';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { avgPoolGradConfig, maxPoolGradConfig } from './pool-grad';
import { meanConfig, sumConfig } from './reduce';
import { addConfig, comparisonConfigs, multiplyConfig, realDivConfig, subConfig } from './binary';
import { castConfig, identityConfig } from './identity';
import { tileConfig } from './tile';
import { transposeConfig } from './transpose';
import { sliceConfig } from './slice';
import { concatConfig, splitVConfig } from './split-concat';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import { oneHotConfig } from './one-hot';
import { expConfig } from './exp';

/** Every kernel `registerWasmTrainingKernels` puts in place (a literal list, no side effects). */
export const wasmTrainingKernels: readonly tf.KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DConfig,
  fusedConv2DConfig,
  depthwiseConv2dNativeConfig,
  fusedDepthwiseConv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  sumConfig,
  meanConfig,
  tileConfig,
  identityConfig,
  castConfig,
  transposeConfig,
  sliceConfig,
  splitVConfig,
  concatConfig,
  unsortedSegmentSumConfig,
  oneHotConfig,
  multiplyConfig,
  addConfig,
  subConfig,
  realDivConfig,
  expConfig,
  ...comparisonConfigs,
];

let registered = false;

/**
 * Registers the training kernels for backend `wasm` over (or beside) the shipped ones.
 * Needs `@tensorflow/tfjs-backend-wasm` imported first (its kernels are looked up and
 * kept, so ours can call them). Safe to call again; works before or after the backend is
 * initialised (the shipped setup functions are kept on the replacements).
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  for (const config of wasmTrainingKernels) {
    const shipped = tf.getKernel(config.kernelName, WASM);
    if (shipped != null) {
      rememberShipped(shipped);
      tf.unregisterKernel(config.kernelName, WASM);
    }
    tf.registerKernel({ ...config, setupFunc: shipped?.setupFunc, disposeFunc: shipped?.disposeFunc });
  }
  registered = true;
}

/** Puts the shipped wasm kernels back (for comparisons and benchmarks). */
export function unregisterWasmTrainingKernels(): void {
  if (!registered) return;
  for (const config of wasmTrainingKernels) {
    tf.unregisterKernel(config.kernelName, WASM);
    const shipped = shippedConfig(config.kernelName);
    if (shipped != null) tf.registerKernel(shipped);
  }
  registered = false;
}

/** Whether the training kernels are currently registered. */
export function wasmTrainingKernelsRegistered(): boolean {
  return registered;
}
