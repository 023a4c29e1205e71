import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { transposeInfo } from '../../src/backend/wasm-kernels/transpose';
import { run, free, borrow, unborrow, view } from '../../src/backend/wasm-kernels/kernel-utils';
function best(f: () => void, reps = 4) { f(); let m = Infinity; for (let i = 0; i < reps; i++) { const t = process.cpuUsage(); f(); const u = process.cpuUsage(t); m = Math.min(m, (u.user + u.system) / 1000); } return m.toFixed(1); }
(async () => {
  await initBackend({ backend: 'wasm' });
  const be = tf.backend() as any;
  for (const [n, h, ci, co] of [[256, 32, 3, 32], [256, 16, 32, 64], [256, 8, 64, 128]]) {
    const x = tf.randomNormal([n, h, h, ci]); const dy = tf.randomNormal([n, h, h, co]);
    const xi = { dataId: x.dataId, shape: x.shape, dtype: 'float32' } as any, dyi = { dataId: dy.dataId, shape: dy.shape, dtype: 'float32' } as any;
    const attrs = { strides: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] } as any;
    const whole = () => { const xT = transposeInfo(be, xi, [3, 1, 2, 0]); const dyT = transposeInfo(be, dyi, [1, 2, 0, 3]); free(be, run(be, 'Conv2D', { x: xT, filter: dyT }, attrs), xT, dyT); };
    const chunked = (nc: number) => () => {
      const k = n / nc;
      const xT = transposeInfo(be, view(xi, [k, nc, h, h, ci]), [0, 4, 2, 3, 1]); // [k, ci, h, w, nc]
      const dyT = transposeInfo(be, view(dyi, [k, nc, h, h, co]), [0, 2, 3, 1, 4]); // [k, h, w, nc, co]
      let acc: any = null;
      for (let j = 0; j < k; j++) {
        const xa = borrow(be, xT, j * ci * h * h * nc, [ci, h, h, nc]);
        const fa = borrow(be, dyT, j * h * h * nc * co, [h, h, nc, co]);
        const part = run(be, 'Conv2D', { x: xa, filter: fa }, attrs);
        unborrow(be, xa, fa);
        if (acc == null) acc = part; else { const s = run(be, 'Add', { a: acc, b: part }); free(be, acc, part); acc = s; }
      }
      free(be, acc, xT, dyT);
    };
    console.log(`n${n} h${h} ${ci}->${co}: whole ${best(whole)} | nc64 ${best(chunked(64))} | nc32 ${best(chunked(32))} | nc16 ${best(chunked(16))} | nc8 ${best(chunked(8))}`);
    tf.dispose([x, dy]);
  }
})();
