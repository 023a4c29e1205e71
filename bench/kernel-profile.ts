/**
 * Where a step's time goes (`npm run bench -- --profile`): every kernel of the backend is
 * wrapped once with a timer that counts only while a profile is on; a step's time minus its
 * kernels' is what runs outside them (tfjs dispatch and tape, JavaScript such as
 * augmentation and noise draws). The wasm kernels are synchronous, so a kernel's wall time
 * is its work.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The matrix-product kernels (the BLAS's or our SIMD products). */
export const productKernels: ReadonlySet<string> = new Set([
  'MatMul', 'BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNative',
]);

/** One profile: ms per step of each kind of time, and the kernels that took the most. */
export interface KernelProfile {
  readonly step_ms: number;
  readonly kernels_ms: number;
  readonly products_ms: number;
  /** Step time outside every kernel: dispatch, tape, JavaScript work. */
  readonly outside_kernels_ms: number;
  readonly kernel_calls: number;
  /** The costliest kernels, ms and calls per step. */
  readonly top: ReadonlyArray<{ readonly kernel: string; readonly ms: number; readonly calls: number }>;
}

/** The timers of a backend's kernels; `profile` runs a function with them on. */
export interface KernelTimers {
  profile(steps: number, run: () => Promise<unknown> | unknown): Promise<KernelProfile>;
}

/** Wraps every kernel registered for `backendName` (once per process). */
export function kernelTimers(backendName: string): KernelTimers {
  const totals = new Map<string, { ms: number; calls: number }>();
  let on = false;
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
        if (!on) return inner(args);
        const t0 = performance.now();
        const out = inner(args);
        const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls++;
        totals.set(config.kernelName, entry);
        return out;
      }) as tf.KernelFunc,
    });
  }
  return {
    profile: async (steps, run) => {
      totals.clear();
      on = true;
      const t0 = performance.now();
      try {
        for (let i = 0; i < steps; i++) await run();
      } finally {
        on = false;
      }
      const stepMs = (performance.now() - t0) / steps;
      const rows = [...totals].map(([kernel, t]) => ({ kernel, ms: t.ms / steps, calls: t.calls / steps })).sort((a, b) => b.ms - a.ms);
      const kernelsMs = rows.reduce((sum, r) => sum + r.ms, 0);
      return {
        step_ms: stepMs,
        kernels_ms: kernelsMs,
        products_ms: rows.filter((r) => productKernels.has(r.kernel)).reduce((sum, r) => sum + r.ms, 0),
        outside_kernels_ms: stepMs - kernelsMs,
        kernel_calls: rows.reduce((sum, r) => sum + r.calls, 0),
        top: rows.slice(0, 8),
      };
    },
  };
}
