import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, onBackend } from './compare';

describe('wasm Multiply / Add (operand order) and broadcasting comparisons', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(7);
  const pairs: [number[], number[]][] = [
    [[1, 1, 1, 5], [3, 4, 2, 5]],
    [[3, 4, 2, 5], [5]],
    [[5], [3, 4, 2, 5]],
    [[4, 1], [1, 6]],
    [[], [2, 3]],
  ];
  for (const [sa, sb] of pairs) {
    test(`mul and add ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`, async () => {
      await compareWithCpu(rng, 'mul', [sa, sb], (a, b) => tf.mul(a, b));
      await compareWithCpu(rng, 'add', [sa, sb], (a, b) => tf.add(a, b));
    });
  }
  test('int32 multiply with the broadcast operand first', async () => {
    const f = () => tf.mul(tf.tensor1d([2, 3], 'int32'), tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'));
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(Array.from(wasm.values[0]), [2, 6, 6, 12]);
  });
  test('comparisons with broadcasting match cpu', async () => {
    const ops = [tf.equal, tf.notEqual, tf.greater, tf.greaterEqual, tf.less, tf.lessEqual];
    const a = [0, 1, 2, 3, 1, 2, 2, 0, 3, 3, 1, 0];
    const f = () =>
      ops.flatMap((op) => [
        tf.cast(op(tf.tensor2d(a, [4, 3]), tf.tensor2d([1, 2, 3, 0], [4, 1])), 'int32'),
        tf.cast(op(tf.tensor1d([1, 2, 3]), tf.tensor2d(a, [4, 3])), 'int32'),
        tf.cast(op(tf.tensor3d(a, [2, 2, 3], 'int32'), tf.scalar(2, 'int32')), 'int32'),
      ]);
    assert.deepEqual(await onBackend('wasm', f), await onBackend('cpu', f));
  });
});
