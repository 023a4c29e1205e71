import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { toTensor } from '../../src/data/to-tensor';
import { subset, idsOf } from '../../src/data/subset';
import { syntheticDataset } from '../../src/data/synthetic';

before(async () => {
  await tf.setBackend('cpu');
});

describe('toTensor', () => {
  const { train } = syntheticDataset({ n: 6, shape: [4, 3, 2], seed: 9 });

  test('all images: float32 [n, h, w, c] equal to bytes / 255, in [0, 1]', () => {
    const before = tf.memory().numTensors;
    const x = toTensor(train);
    assert.deepEqual(x.shape, [6, 4, 3, 2]);
    assert.equal(x.dtype, 'float32');
    const values = x.dataSync();
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(values[i] - train.images[i] / 255) < 1e-7);
    const [lo, hi] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
    assert.ok(lo >= 0 && hi <= 1 && hi > lo);
    x.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('indices pick and order images; no tensors leak besides the result', () => {
    const before = tf.memory().numTensors;
    const x = toTensor(train, Int32Array.from([5, 0, 5]));
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(x.shape, [3, 4, 3, 2]);
    const per = 24;
    const values = x.dataSync();
    for (const [b, i] of [[0, 5], [1, 0], [2, 5]]) {
      for (let p = 0; p < per; p++) assert.ok(Math.abs(values[b * per + p] - train.images[i * per + p] / 255) < 1e-7);
    }
    x.dispose();
    assert.equal(tf.memory().numTensors, before);
    const empty = toTensor(train, []);
    assert.deepEqual(empty.shape, [0, 4, 3, 2]);
    empty.dispose();
  });

  test('bad indices are InputErrors naming the position', () => {
    const before = tf.memory().numTensors;
    assert.throws(() => toTensor(train, [0, 6]), /toTensor indices\[1\]: expected an integer index in \[0, 6\) into synthetic\/train, found 6/);
    assert.throws(() => toTensor(train, [1.5]), /found 1\.5/);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('subset', () => {
  const { train } = syntheticDataset({ n: 10, shape: [2, 2, 1], seed: 4 });

  test('copies the chosen images and labels and keeps their ids, also through nested subsets', () => {
    const a = subset(train, [7, 2, 9]);
    assert.deepEqual([...a.ids], [7, 2, 9]);
    assert.deepEqual([...a.labels], [train.labels[7], train.labels[2], train.labels[9]]);
    assert.deepEqual([...a.images.subarray(4, 8)], [...train.images.subarray(8, 12)]);
    assert.equal(a.name, train.name);
    assert.deepEqual(a.shape, train.shape);
    const b = subset(a, Int32Array.from([2, 0]));
    assert.deepEqual([...b.ids], [9, 7]);
    assert.deepEqual([...b.images.subarray(0, 4)], [...train.images.subarray(36, 40)]);
    a.images[0] = (a.images[0] + 1) % 256;
    assert.notEqual(a.images[0], train.images[28]);
    assert.deepEqual([...idsOf(train)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.throws(() => subset(train, [10]), /subset indices\[0\]: expected an integer index in \[0, 10\)/);
  });
});
