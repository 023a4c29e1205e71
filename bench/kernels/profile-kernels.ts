/**
 * CPU milliseconds spent in each wasm kernel while `f` runs: every kernel registered for
 * wasm is wrapped for the duration (nested kernel calls count towards the outer one).
 * CPU time (process.cpuUsage) rather than wall time, so that other processes on a shared
 * machine disturb the numbers less; with a threaded backend it sums all threads.
 */
import * as tf from '@tensorflow/tfjs-core';

export function profileKernels(f: () => void, byShape = false): Map<string, number> {
  const totals = new Map<string, number>();
  const configs = tf.getKernelsForBackend('wasm');
  let depth = 0;
  for (const c of configs) {
    tf.unregisterKernel(c.kernelName, 'wasm');
    tf.registerKernel({
      ...c,
      kernelFunc: (args) => {
        if (depth > 0) return c.kernelFunc(args);
        depth++;
        const t = process.cpuUsage();
        try {
          return c.kernelFunc(args);
        } finally {
          const u = process.cpuUsage(t);
          const key = byShape
            ? `${c.kernelName}(${Object.values(args.inputs).map((t) => (t == null ? '-' : t.shape.join('x'))).join(',')})`
            : c.kernelName;
          totals.set(key, (totals.get(key) ?? 0) + (u.user + u.system) / 1000);
          depth--;
        }
      },
    });
  }
  try {
    f();
  } finally {
    for (const c of configs) {
      tf.unregisterKernel(c.kernelName, 'wasm');
      tf.registerKernel(c);
    }
  }
  return totals;
}

/** One line: total and the `top` most expensive kernels. */
export function formatProfile(totals: Map<string, number>, top = 16): string {
  const total = [...totals.values()].reduce((p, q) => p + q, 0);
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return `total ${total.toFixed(0)} ms cpu in kernels: ` + rows.map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ');
}
