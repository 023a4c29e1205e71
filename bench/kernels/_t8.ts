import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
function best(f: () => void, reps = 3) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(0); }
(async () => {
  await initBackend({ backend: 'wasm' });
  for (const [n, h, ci, co] of [[256, 32, 3, 32], [256, 16, 32, 64], [256, 8, 64, 128]]) {
    const x = tf.randomNormal([n, h, h, ci]) as tf.Tensor4D; const dy = tf.randomNormal([n, h, h, co]) as tf.Tensor4D;
    const f = () => tf.dispose(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, ci, co] } as any) as tf.Tensor);
    const out: string[] = [];
    for (const cf of [32768, 131072, 524288, 2097152, 8388608, 1e9]) { (globalThis as any).CHUNK_FLOATS = cf; out.push(`${cf}: ${best(f)}`); }
    for (const cf of [32768, 131072, 524288, 2097152, 8388608, 1e9]) { (globalThis as any).CHUNK_FLOATS = cf; out.push(`${cf}: ${best(f)}`); }
    console.log(`n${n} h${h} ${ci}->${co}: ${out.join(' | ')}`);
    tf.dispose([x, dy]);
  }
})();
