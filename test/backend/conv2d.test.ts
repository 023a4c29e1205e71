import { test, describe, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu } from './compare';

// conv2d forward (shipped XNNPACK) and its gradients Conv2DBackpropInput / ...Filter (ours).
describe('wasm conv2d and its gradients', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(2);
  type Case = [x: number[], filter: number[], stride: number | [number, number], pad: 'same' | 'valid'];
  const cases: Case[] = [
    [[3, 5, 7, 3], [3, 3, 3, 5], 1, 'same'],
    [[3, 5, 7, 3], [3, 3, 3, 5], 1, 'valid'],
    [[3, 5, 7, 3], [3, 3, 3, 5], 2, 'same'],
    [[3, 5, 7, 3], [3, 3, 3, 5], 2, 'valid'],
    [[2, 6, 8, 5], [3, 3, 5, 4], 2, 'same'],
    [[2, 6, 8, 5], [3, 3, 5, 4], 2, 'valid'],
    [[3, 5, 7, 5], [1, 1, 5, 3], 1, 'same'],
    [[3, 5, 7, 5], [1, 1, 5, 3], 2, 'valid'],
    [[2, 8, 8, 3], [4, 4, 3, 6], 4, 'valid'], // patch embedding
    [[2, 9, 7, 2], [2, 3, 2, 3], 3, 'same'],
    [[2, 7, 9, 3], [3, 3, 3, 2], [1, 2], 'same'], // unequal strides
    [[2, 7, 7, 3], [1, 1, 3, 4], 2, 'same'], // filter smaller than stride
    [[1, 9, 8, 2], [5, 5, 2, 3], 2, 'same'],
    // stride 1 with channels a multiple of 8: the filter gradient runs on our SIMD product
    [[2, 6, 7, 8], [3, 3, 8, 5], 1, 'same'],
    [[2, 5, 6, 16], [3, 3, 16, 12], 1, 'valid'],
    [[1, 9, 8, 8], [5, 5, 8, 3], 1, 'same'],
    [[3, 4, 5, 8], [1, 1, 8, 7], 1, 'valid'],
    [[40, 20, 20, 8], [3, 3, 8, 5], 1, 'same'], // more grid cells than one chunk of the reduction
  ];
  for (const [xs, fs, stride, pad] of cases) {
    const label = `x ${xs} filter ${fs} stride ${stride} ${pad}`;
    test(label, async () => {
      await compareWithCpu(rng, label, [xs, fs], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad));
    });
  }
  test('depthwise conv2d forward, filter smaller than stride', async () => {
    await compareWithCpu(rng, 'depthwise', [[2, 9, 7, 3], [2, 3, 3, 2]], (x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 3, 'same'), {
      grad: false,
    });
  });
  test('fused conv2d with bias and relu', async () => {
    await compareWithCpu(rng, 'fused conv', [[2, 6, 5, 3], [3, 3, 3, 4], [4]], (x, f, b) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
    );
  });
});
