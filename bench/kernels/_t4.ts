import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { transposeInfo } from '../../src/backend/wasm-kernels/transpose';
import { run, free } from '../../src/backend/wasm-kernels/kernel-utils';
function best(f: () => void, reps = 4) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(1); }
(async () => {
  await initBackend({ backend: 'wasm' });
  const be = tf.backend() as any;
  for (const [n, h, ci, co] of [[256, 32, 3, 32], [256, 16, 32, 64], [256, 8, 64, 128]]) {
    const x = tf.randomNormal([n, h, h, ci]); const dy = tf.randomNormal([n, h, h, co]); const k = tf.randomNormal([3, 3, ci, co]);
    const xi = { dataId: x.dataId, shape: x.shape, dtype: 'float32' } as any, dyi = { dataId: dy.dataId, shape: dy.shape, dtype: 'float32' } as any;
    const tx = best(() => free(be, transposeInfo(be, xi, [3, 1, 2, 0])));
    const tdy = best(() => free(be, transposeInfo(be, dyi, [1, 2, 0, 3])));
    const xT = transposeInfo(be, xi, [3, 1, 2, 0]); const dyT = transposeInfo(be, dyi, [1, 2, 0, 3]);
    const conv = best(() => free(be, run(be, 'Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] } as any)));
    const fwd = best(() => tf.dispose(tf.conv2d(x as any, k as any, 1, 'same')));
    const bwdIn = best(() => tf.dispose(tf.conv2dTranspose(dy as any, k as any, x.shape as any, 1, 'same')));
    const bwdF = best(() => tf.dispose(tf.conv2dBackpropFilter?.(x as any, dy as any, [3,3,ci,co], 1, 'same') ?? tf.scalar(0)));
    const relu = best(() => tf.dispose(tf.relu(dy)));
    const mul = best(() => tf.dispose(tf.mul(dy, dy)));
    console.log(`L n${n} h${h} ${ci}->${co}: fwd conv ${fwd} | bwdInput ${bwdIn} | bwdFilter total ${bwdF} = T(x) ${tx} + T(dy) ${tdy} + conv ${conv} | relu(dy) ${relu} mul ${mul}`);
    free(be, xT, dyT); tf.dispose([x, dy, k]);
  }
})();
