// Test helpers (not a test file): backends derived from cpu with one wrong kernel, in
// process (registerBadCpu) or as a stand-in @tensorflow/tfjs-node package for child
// processes (fakeTfjsNodeDir, found through NODE_PATH).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Registers tfjs backend `name`: the cpu backend's kernels, except `kernel`, whose first
 * output value gets `delta` added. Returns a function that unregisters it.
 */
export function registerBadCpu(name: string, kernel = 'BatchMatMul', delta = 0.01): () => void {
  tf.registerBackend(name, () => new MathBackendCPU(), 0);
  const registered: string[] = [];
  for (const config of tf.getKernelsForBackend('cpu')) {
    const original = config.kernelFunc;
    const kernelFunc: tf.KernelFunc =
      config.kernelName === kernel
        ? (args) => {
            const out = original(args) as tf.TensorInfo;
            const values = (args.backend as MathBackendCPU).data.get(out.dataId).values as Float32Array;
            values[0] += delta;
            return out;
          }
        : original;
    tf.registerKernel({ ...config, backendName: name, kernelFunc });
    registered.push(config.kernelName);
  }
  return () => {
    if (tf.getBackend() === name) tf.setBackend('cpu');
    for (const k of registered) tf.unregisterKernel(k, name);
    tf.removeBackend(name);
  };
}

/**
 * A folder to put on NODE_PATH (with the project's node_modules after it) that holds a
 * stand-in `@tensorflow/tfjs-node` 4.22.0: it registers backend `tensorflow` as the cpu
 * backend's kernels, with `BatchMatMul` off by 1 in its first value when the environment
 * has `FAKE_TFJS_NODE_BAD_MATMUL=1`.
 */
export function fakeTfjsNodeDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-fake-tfjs-node-'));
  const dir = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  writeFileSync(
    join(dir, 'index.js'),
    `const tf = require('@tensorflow/tfjs-core');
const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');
tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
const bad = process.env.FAKE_TFJS_NODE_BAD_MATMUL === '1';
for (const config of tf.getKernelsForBackend('cpu')) {
  const original = config.kernelFunc;
  const kernelFunc = bad && config.kernelName === 'BatchMatMul'
    ? (args) => { const out = original(args); args.backend.data.get(out.dataId).values[0] += 1; return out; }
    : original;
  tf.registerKernel({ ...config, backendName: 'tensorflow', kernelFunc });
}
`,
  );
  return join(root, 'node_modules');
}

/** NODE_PATH that finds the stand-in package first, then this project's packages. */
export function nodePathWith(fakeNodeModules: string): string {
  return [fakeNodeModules, resolve(__dirname, '..', '..', 'node_modules')].join(':');
}
