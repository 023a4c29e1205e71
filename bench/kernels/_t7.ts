import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
function best(f: () => void, reps = 4) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(1); }
(async () => {
  await initBackend({ backend: 'wasm' });
  for (const [n, h, ci, co] of [[256, 32, 3, 32], [256, 16, 32, 64], [256, 8, 64, 128]]) {
    const x = tf.randomNormal([n, h, h, ci]) as tf.Tensor4D; const dy = tf.randomNormal([n, h, h, co]) as tf.Tensor4D;
    const f = () => tf.dispose(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, ci, co] } as any) as tf.Tensor);
    (globalThis as any).CI_MIN = 1e9; const a = best(f); (globalThis as any).CI_MIN = 1; const b = best(f);
    (globalThis as any).CI_MIN = 1e9; const a2 = best(f); (globalThis as any).CI_MIN = 1; const b2 = best(f);
    (globalThis as any).CI_MIN = 1e9; const r1 = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, ci, co] } as any) as tf.Tensor;
    (globalThis as any).CI_MIN = 1; const r2 = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, ci, co] } as any) as tf.Tensor;
    console.log(`n${n} h${h} ${ci}->${co}: colsT path ${a} ${a2} | row-major path ${b} ${b2} | maxdiff ${tf.max(tf.abs(tf.sub(r1, r2))).dataSync()[0]}`);
    tf.dispose([x, dy]);
  }
})();
