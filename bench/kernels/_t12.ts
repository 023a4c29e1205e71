import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerThreadedWasm, unrefWasmWorkers } from '../../src/backend/wasm-threads';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/register';
(async () => {
  registerWasmTrainingKernels();
  const t0 = performance.now();
  await registerThreadedWasm(2);
  console.log('registered in', (performance.now() - t0).toFixed(0), 'ms');
  console.log('setBackend', await tf.setBackend('wasm'), 'threads', getThreadsCount());
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  tf.matMul(a, b).dispose();
  const t1 = performance.now();
  for (let i = 0; i < 5; i++) tf.matMul(a, b).dispose();
  console.log('matmul 1024^3', ((performance.now() - t1) / 5).toFixed(1), 'ms');
  unrefWasmWorkers((tf.backend() as any).wasm);
})();
