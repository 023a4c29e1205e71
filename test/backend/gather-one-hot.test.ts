import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, onBackend } from './compare';

describe('wasm UnsortedSegmentSum (gather gradient) and OneHot', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(5);
  test('gather gradient along axis 0 and 1 with repeated indices', async () => {
    const idx = [3, 0, 3, 1, 4, 4, 4];
    await compareWithCpu(rng, 'gather 0', [[5, 6]], (x) => tf.gather(x, tf.tensor1d(idx, 'int32'), 0));
    await compareWithCpu(rng, 'gather 1', [[4, 5, 3]], (x) => tf.gather(x, tf.tensor1d(idx, 'int32'), 1));
  });
  test('unsortedSegmentSum sums rows per id and drops ids out of range', async () => {
    const f = () => tf.unsortedSegmentSum(tf.tensor2d([...Array(12).keys()], [4, 3]), tf.tensor1d([2, 0, 2, 5], 'int32'), 3);
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(Array.from(wasm.values[0]), [3, 4, 5, 0, 0, 0, 6, 8, 10]);
    assert.deepEqual(wasm.shapes, [[3, 3]]);
  });
  test('oneHot in float32 and int32 with on/off values', async () => {
    const f = () => [
      tf.oneHot(tf.tensor1d([0, 3, 1, 7, -1], 'int32'), 4),
      tf.oneHot(tf.tensor2d([[2, 0], [1, 1]], undefined, 'int32'), 3, 0.9, 0.05, 'float32'),
    ];
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(wasm, await onBackend('cpu', f));
    assert.deepEqual(Array.from(wasm.values[1].slice(0, 3)).map((v) => Math.round(v * 100)), [5, 5, 90]);
  });
});
