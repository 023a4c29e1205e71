import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, onBackend } from './compare';

describe('wasm SplitV and Concat', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(9);
  for (const axis of [0, 1, 2, -1]) {
    test(`concat along ${axis} (and its gradient: slices)`, async () => {
      const shapes = [[3, 4, 5], [3, 4, 5], [3, 4, 5]].map((s) => {
        const t = s.slice();
        t[(axis + 3) % 3] = [2, 3, 1][(axis + 3) % 3] + 1;
        return t;
      });
      const a = shapes[0].slice();
      const b = shapes[0].slice();
      b[(axis + 3) % 3] += 2;
      await compareWithCpu(rng, 'concat', [a, b, shapes[2]], (x, y, z) => tf.concat([x, y, z], axis));
    });
    test(`split along ${axis} in sizes and in equal parts (and its gradient: concat)`, async () => {
      const shape = [4, 6, 18];
      const d = (axis + 3) % 3;
      const n = shape[d];
      await compareWithCpu(rng, 'split sizes', [shape], (x) => {
        const parts = tf.split(x, [1, n - 3, 2], axis);
        return tf.add(tf.mul(tf.sum(parts[0]), 2), tf.sum(tf.square(parts[1])));
      });
      await compareWithCpu(rng, 'split equal', [shape], (x) => tf.split(x, 2, axis)[1]);
    });
  }
  test('concat of int32 and bool tensors, with an empty input', async () => {
    const f = () => [
      tf.concat([tf.tensor2d([[1, 2]], undefined, 'int32'), tf.tensor2d([[3, 4]], undefined, 'int32')], 0),
      tf.cast(tf.concat([tf.tensor1d([1, 0], 'bool'), tf.tensor1d([], 'bool'), tf.tensor1d([1], 'bool')]), 'int32'),
    ];
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(wasm, await onBackend('cpu', f));
    assert.deepEqual(Array.from(wasm.values[1]), [1, 0, 1]);
  });
});
