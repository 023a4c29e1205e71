import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { dropout } from '../../src/encoders/dropout';
import { assertInputError, useCpuBackend } from './helpers';

describe('dropout', () => {
  useCpuBackend();

  test('zeroes about rate of the entries and scales the rest; seeded', () => {
    const x = tf.fill([50, 40], 2);
    const y = dropout(x, 0.25, createRng(3));
    const v = y.dataSync();
    const zeros = v.filter((a) => a === 0).length;
    assert.ok(v.every((a) => a === 0 || Math.abs(a - 2 / 0.75) < 1e-6));
    assert.ok(Math.abs(zeros / v.length - 0.25) < 0.04, `fraction ${zeros / v.length}`);
    const again = dropout(x, 0.25, createRng(3));
    assert.deepEqual(again.dataSync(), v);
    const other = dropout(x, 0.25, createRng(4));
    assert.notDeepEqual(other.dataSync(), v);
    tf.dispose([x, y, again, other]);
  });

  test('rate 0 is the identity; bad rates are InputErrors', () => {
    const x = tf.ones([3]);
    assert.equal(dropout(x, 0, createRng(0)), x);
    assertInputError(() => dropout(x, 1, createRng(0)), 'rate');
    assertInputError(() => dropout(x, -0.1, createRng(0)), 'rate');
    x.dispose();
  });
});
