import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
(async () => {
  const x = [...Array(25)].map((_, i) => i + 1);
  for (const be of ['cpu', 'wasm']) {
    await tf.setBackend(be);
    const t = tf.tensor4d(x, [1, 5, 5, 1]);
    console.log(be, Array.from(tf.avgPool(t, 3, 2, 'same').dataSync()).map(v => v.toFixed(3)).join(' '));
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, 3, 2, 'same')))(t);
    console.log(be, 'grad', Array.from(g.dataSync()).map(v => v.toFixed(3)).join(' '));
  }
})();
