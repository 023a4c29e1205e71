import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
function best(f: () => void, reps = 4) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(1); }
(async () => {
  await initBackend({ backend: 'wasm' });
  const x = tf.randomNormal([256, 32, 32, 32]) as tf.Tensor4D; const y = tf.maxPool(x, 2, 2, 'valid'); const dy = tf.randomNormal(y.shape);
  const f = () => tf.dispose(tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' } as any) as tf.Tensor);
  console.log('maxPoolGrad L1', best(f), best(f));
  const g = () => tf.dispose(tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, { filterSize: 2, strides: 2, pad: 'valid' } as any) as tf.Tensor);
  console.log('avgPoolGrad L1', best(g));
  console.log('relu L1', best(() => tf.dispose(tf.relu(x))), 'mul', best(() => tf.dispose(tf.mul(x, x))), 'mul bcast', best(() => tf.dispose(tf.mul(x, tf.ones([32])))), 'sum0', best(() => tf.dispose(tf.sum(x, [0, 1, 2]))));
})();
