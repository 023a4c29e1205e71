import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
(async () => {
  await initBackend({ backend: 'wasm' });
  for (const [xs, fs, s, pad] of [[[1, 9, 7, 1], [2, 3, 1, 1], 3, 'same'], [[1, 9, 1, 1], [2, 1, 1, 1], 3, 'same'], [[1, 1, 7, 1], [1, 3, 1, 1], 3, 'same'], [[1, 4, 1, 1], [2, 1, 1, 1], 3, 'same'], [[1, 9, 1, 1], [2, 1, 1, 1], 3, 'valid']] as any[]) {
    const x = tf.reshape(tf.range(1, 1 + xs.reduce((a: number, b: number) => a * b)), xs);
    const f = tf.ones(fs);
    for (const be of ['cpu', 'wasm']) {
      await tf.setBackend(be);
      const y = tf.conv2d(x as any, f as any, s, pad);
      console.log(be, xs, fs, s, pad, y.shape, Array.from(y.dataSync()).join(' '));
    }
  }
})();
