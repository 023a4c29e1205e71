import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
function best(f: () => void, reps = 4) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(1); }
(async () => {
  await initBackend({ backend: 'wasm' });
  for (const [n, h, ci, co] of [[256, 32, 3, 32], [256, 16, 32, 64], [256, 8, 64, 128]]) {
    const x = tf.randomNormal([n, h, h, ci]) as tf.Tensor4D; const dy = tf.randomNormal([n, h, h, co]) as tf.Tensor4D; const k = tf.randomNormal([3, 3, ci, co]) as tf.Tensor4D;
    const fwd = best(() => tf.dispose(tf.conv2d(x, k, 1, 'same')));
    const bf = best(() => tf.dispose(tf.conv2dTranspose(dy, k, x.shape, 1, 'same')));
    const bw = best(() => tf.dispose(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, ci, co] } as any) as tf.Tensor));
    console.log(`n${n} h${h} ${ci}->${co}: fwd ${fwd} | bwdInput ${bf} | bwdFilter ${bw}   (${(2 * n * h * h * 9 * ci * co / 1e9).toFixed(2)} GFLOP each)`);
    tf.dispose([x, dy, k]);
  }
})();
setTimeout(() => console.log('JS cols ms total', (globalThis as any).JS), 100);
