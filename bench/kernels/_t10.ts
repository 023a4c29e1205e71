import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
function best(f: () => void, reps = 4) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(1); }
(async () => {
  await initBackend({ backend: 'wasm' });
  const x = tf.randomNormal([256, 32, 32, 32]) as tf.Tensor4D;
  console.log('argmax pool', best(() => tf.dispose(tf.maxPoolWithArgmax(x, 2, 2, 'valid', true) as any)));
  const t = tf.tensor4d([-3, -1, -1, -2, 5, 5, 5, 5, -Infinity, -Infinity, -Infinity, -Infinity, -5, -4, -4, -6], [1, 2, 8, 1]);
  const r = tf.maxPoolWithArgmax(t, [2, 2], [2, 2], 'valid', true);
  console.log(r.result.dataSync(), r.indexes.dataSync());
})();
