import * as tf from '@tensorflow/tfjs-core';

/**
 * Helpers for sslmem's own kernels (fused Adam, GELU): kernels that exist only on the
 * backends we wrote them for, registered once, looked up per call.
 */

/** The cpu backend's side that our cpu kernels use. */
export type CpuKernelBackend = tf.KernelBackend & {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
};

/** Registers each config that is not registered yet (safe to call again). */
export function registerMissingKernels(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName) == null) tf.registerKernel(config);
  }
}

/** Whether the active backend has every kernel named. */
export function activeBackendHas(...kernelNames: string[]): boolean {
  const backend = tf.getBackend();
  return kernelNames.every((name) => tf.getKernel(name, backend) != null);
}
