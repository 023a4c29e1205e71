import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
function time(label: string, f: () => tf.Tensor, reps = 5) {
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); const o = f(); o.dataSync(); ts.push(performance.now() - t0); o.dispose(); }
  ts.sort((a, b) => a - b);
  console.log(`${tf.getBackend()} ${label}: ${ts[Math.floor(reps / 2)].toFixed(1)} ms`);
}
async function main() {
  for (const be of process.argv.slice(2)) {
    await tf.setBackend(be); await tf.ready();
    const x = tf.randomUniform([256, 32, 32, 3]) as tf.Tensor4D;
    const col = tf.randomUniform([256, 1, 1, 1]);
    const ch = tf.randomUniform([256, 32, 32, 1]);
    const idx = tf.tensor1d(Array.from({ length: 128 }, (_, i) => 2 * i), 'int32');
    const idx2 = tf.tensor1d(Array.from({ length: 256 }, (_, i) => (i * 7) % 256), 'int32');
    time('gather 128 of 256', () => tf.gather(x, idx));
    time('gather 256 permuted', () => tf.gather(x, idx2));
    time('gather flat2d', () => tf.reshape(tf.gather(tf.reshape(x, [256, 3072]), idx2), [256, 32, 32, 3]));
    time('concat', () => tf.concat([x, x], 0));
    time('flipLR', () => tf.image.flipLeftRight(x));
    time('reverse axis2', () => tf.reverse(x, 2));
    time('mul same', () => tf.mul(x, x));
    time('mul bcast col', () => tf.mul(x, col));
    time('mul bcast ch', () => tf.mul(x, ch));
    time('mul bcast ones3', () => tf.mul(ch, tf.ones([1, 1, 1, 3])));
    time('clip', () => tf.clipByValue(x, 0, 1));
    time('matMul N3x31', () => tf.matMul(tf.reshape(x, [-1, 3]), tf.ones([3, 1])));
    time('randomNormal', () => tf.randomNormal([256, 28, 28, 1], 0, 1, 'float32', 5));
    time('max last', () => tf.max(tf.reshape(x, [-1, 3]), 1, true));
    time('argMax', () => tf.argMax(tf.reshape(x, [-1, 3]), 1));
    time('oneHot', () => tf.oneHot(tf.argMax(tf.reshape(x, [-1, 3]), 1), 3));
    time('mod', () => tf.mod(x, 6));
    time('transpose', () => tf.transpose(x, [1, 2, 0, 3]));
  }
}
main();
