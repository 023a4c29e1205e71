import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { globalAveragePool } from '../../src/encoders/global-average-pool';
import { assertClose, assertInputError, randomTensor, useCpuBackend } from './helpers';

describe('globalAveragePool', () => {
  useCpuBackend();

  test('averages over height and width', () => {
    const x = randomTensor<tf.Rank.R4>([2, 3, 5, 4], 1);
    const y = globalAveragePool(x);
    assert.deepEqual(y.shape, [2, 4]);
    const v = x.dataSync();
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let i = 0; i < 15; i++) s += v[(b * 15 + i) * 4 + c];
        expected.push(s / 15);
      }
    }
    assertClose(y.dataSync(), expected);
    assertInputError(() => globalAveragePool(tf.zeros([2, 3]) as unknown as tf.Tensor4D), 'globalAveragePool');
    tf.dispose([x, y]);
  });
});
