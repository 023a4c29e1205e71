import { test, describe, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu } from './compare';

// Whole building blocks of the encoders, forward and every gradient, wasm vs cpu.
describe('encoder blocks on wasm match cpu', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(6);
  const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
  const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };
  const batchNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(x, axes, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };

  test('MLP: dense, batch norm, relu, gelu, layer norm, dropout, l2-normalise', async () => {
    await compareWithCpu(rng, 'mlp', [[6, 9], [9, 7], [7], [7], [7, 5], [5], [5], [5]], (x, w1, g1, be1, w2, b2, g2, be2) => {
      let h = tf.relu(batchNorm(tf.matMul(x, w1), g1, be1));
      h = tf.dropout(h, 0.25, undefined, 7);
      h = gelu(layerNorm(tf.add(tf.matMul(h, w2), b2), g2, be2));
      return tf.div(h, tf.norm(h, 'euclidean', -1, true));
    });
  });

  test('CNN: conv, batch norm, relu, max pool, conv stride 2, global avg pool, dense', async () => {
    await compareWithCpu(
      rng,
      'cnn',
      [[3, 7, 5, 3], [3, 3, 3, 4], [4], [4], [3, 3, 4, 5], [5], [5], [5, 3]],
      (x, k1, g1, b1, k2, g2, b2, w) => {
        let h: tf.Tensor = tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 1, 'same');
        h = tf.maxPool(tf.relu(batchNorm(h, g1, b1)) as tf.Tensor4D, 2, 2, 'same');
        h = tf.conv2d(h as tf.Tensor4D, k2 as tf.Tensor4D, 2, 'same');
        h = tf.relu(batchNorm(h, g2, b2));
        return tf.matMul(tf.mean(h, [1, 2]), w);
      },
    );
  });

  test('ResNet block: 3x3 convs, 1x1 stride-2 shortcut, residual add', async () => {
    await compareWithCpu(rng, 'resnet', [[2, 7, 7, 3], [3, 3, 3, 4], [3, 3, 4, 4], [1, 1, 3, 4]], (x, k1, k2, ks) => {
      const h = tf.relu(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 2, 'same'));
      const y = tf.conv2d(h as tf.Tensor4D, k2 as tf.Tensor4D, 1, 'same');
      return tf.relu(tf.add(y, tf.conv2d(x as tf.Tensor4D, ks as tf.Tensor4D, 2, 'same')));
    });
  });

  test('ViT: patch embedding, attention with softmax, layer norm, gelu MLP, class token', async () => {
    const [batch, heads, dim] = [3, 2, 8];
    await compareWithCpu(
      rng,
      'vit',
      [[batch, 8, 8, 3], [4, 4, 3, dim], [1, 1, dim], [5, dim], [dim, 3 * dim], [dim, dim], [dim], [dim], [dim, 16], [16, dim]],
      (x, patch, cls, pos, wqkv, wo, g, b, w1, w2) => {
        const p = tf.reshape(tf.conv2d(x as tf.Tensor4D, patch as tf.Tensor4D, 4, 'valid'), [batch, 4, dim]);
        let t = tf.add(tf.concat([tf.tile(cls, [batch, 1, 1]), p], 1), pos); // [b, 5, dim]
        const n = layerNorm(t, g, b);
        const qkv = tf.reshape(tf.matMul(tf.reshape(n, [batch * 5, dim]), wqkv), [batch, 5, 3, heads, dim / heads]);
        const part = (i: number) =>
          tf.reshape(tf.transpose(tf.squeeze(tf.slice(qkv, [0, 0, i, 0, 0], [batch, 5, 1, heads, dim / heads]), [2]), [0, 2, 1, 3]), [
            batch * heads,
            5,
            dim / heads,
          ]);
        const att = tf.softmax(tf.mul(tf.matMul(part(0), part(1), false, true), 1 / Math.sqrt(dim / heads)));
        const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, part(2)), [batch, heads, 5, dim / heads]), [0, 2, 1, 3]), [batch * 5, dim]);
        t = tf.add(t, tf.reshape(tf.matMul(o, wo), [batch, 5, dim]));
        const m = tf.matMul(gelu(tf.matMul(tf.reshape(layerNorm(t, g, b), [batch * 5, dim]), w1)), w2);
        t = tf.add(t, tf.reshape(m, [batch, 5, dim]));
        return tf.squeeze(tf.slice(t, [0, 0, 0], [batch, 1, dim]), [1]);
      },
    );
  });

  test('InfoNCE-style loss: cosine similarities, log-softmax, one-hot targets', async () => {
    await compareWithCpu(rng, 'infonce', [[6, 5]], (z) => {
      const zn = tf.div(z, tf.norm(z, 'euclidean', -1, true));
      const sim = tf.div(tf.matMul(zn, zn, false, true), 0.5);
      const targets = tf.oneHot(tf.tensor1d([3, 4, 5, 0, 1, 2], 'int32'), 6, 1, 0, 'float32');
      return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(sim)), -1)));
    });
  });
});
