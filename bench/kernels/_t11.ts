import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
function best(f: () => void, reps = 6) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m; }
(async () => {
  await initBackend({ backend: 'wasm' });
  for (const [m, k, n] of [[256, 784, 512], [256, 512, 512], [784, 256, 512], [512, 256, 512], [256, 512, 784], [1024, 1024, 1024]]) {
    const a = tf.randomNormal([m, k]); const b = tf.randomNormal([k, n]);
    const t = best(() => tf.dispose(tf.matMul(a, b)));
    const tT = best(() => tf.dispose(tf.matMul(tf.transpose(a), b, true, false)));
    console.log(`${m}x${k}x${n}: ${t.toFixed(2)} ms = ${(2 * m * k * n / t / 1e6).toFixed(1)} GFLOP/s; transposed both ${tT.toFixed(2)}`);
    tf.dispose([a, b]);
  }
})();
