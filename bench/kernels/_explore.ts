import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { run, free, view } from '../../src/backend/wasm-kernels/kernel-utils';

function time(label: string, f: () => tf.Tensor | void, reps = 5) {
  for (let i = 0; i < 2; i++) { const r = f(); if (r) { r.dispose(); } }
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) { const r = f(); if (r) { r.dispose(); } }
  console.log(label.padEnd(50), ((performance.now() - t0) / reps).toFixed(2), 'ms');
}
(async () => {
  await tf.setBackend('wasm');
  const be = tf.backend() as any;
  const a = tf.randomNormal([256, 784]); const w = tf.randomNormal([784, 512]);
  const dy = tf.randomNormal([256, 512]);
  time('matmul 256x784 @ 784x512', () => tf.matMul(a, w));
  time('matmul x^T dy (transposeA)', () => tf.matMul(a, dy, true, false), 1);
  time('explicit transpose + matmul', () => tf.tidy(() => tf.matMul(tf.transpose(a), dy)));
  time('transpose 256x784', () => tf.transpose(a));
  time('dy @ w^T transposeB', () => tf.matMul(dy, w, false, true), 1);
  const x4 = tf.randomNormal([256, 32, 32, 32]);
  time('sum axes 0,1,2 of [256,32,32,32] (orig)', () => tf.sum(x4, [0, 1, 2]));
  time('sum last axis', () => tf.sum(x4, [3]));
  time('avgpool [1,P,1,C] window P', () => {
    const info = run(be, tf.AvgPool, { x: view({dataId: (x4 as any).dataId, shape: [1, 256*1024, 1, 32], dtype: 'float32'}, [1, 256*1024, 1, 32]) }, { filterSize: [256*1024, 1], strides: [1, 1], pad: 'valid' });
    return tf.engine().makeTensorFromTensorInfo(info);
  });
  time('matmul ones[1,P] @ x[P,C]', () => tf.tidy(() => tf.matMul(tf.ones([1, 256*1024]), tf.reshape(x4, [256*1024, 32]))));
  time('mean axes 1,2 (orig)', () => tf.mean(x4, [1, 2]));
  time('avgpool HxW global', () => tf.avgPool(x4 as tf.Tensor4D, [32, 32], 1, 'valid'));
  time('transpose4d [256,32,32,32] -> 3,1,2,0', () => tf.transpose(x4, [3, 1, 2, 0]));
  time('relu', () => tf.relu(x4));
  time('add', () => tf.add(x4, x4));
  time('mul broadcast [C]', () => tf.mul(x4, tf.ones([32])));
  time('tile [1,1,1,32]->[256,32,32,32]', () => tf.tile(tf.ones([1,1,1,32]), [256,32,32,1]), 1);
  time('maxpool 2x2', () => tf.maxPool(x4 as tf.Tensor4D, 2, 2, 'valid'));
  time('conv 3x3 32->64 on [256,16,16,32]', () => tf.conv2d(tf.slice(x4, [0,0,0,0],[256,16,16,32]) as tf.Tensor4D, tf.randomNormal([3,3,32,64]) as tf.Tensor4D, 1, 'same'));
  time('depthToSpace [256,16,16,128] b2', () => tf.depthToSpace(tf.reshape(x4, [256,16,16,128]) as tf.Tensor4D, 2));
  time('greater x4 0', () => tf.greater(x4, 0));
  time('step', () => tf.step(x4));
})();
