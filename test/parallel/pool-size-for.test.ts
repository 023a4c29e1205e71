import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { poolSizeFor } from '../../src/parallel';

describe('poolSizeFor', () => {
  test('one single-threaded worker per core', () => {
    assert.equal(poolSizeFor(2), 2);
    assert.equal(poolSizeFor(16), 16);
  });
  test('never more workers than tasks, never fewer than one', () => {
    assert.equal(poolSizeFor(8, { tasks: 3 }), 3);
    assert.equal(poolSizeFor(8, { tasks: 0 }), 1);
    assert.equal(poolSizeFor(0), 1);
    assert.equal(poolSizeFor(Number.NaN), 1);
  });
  test('threads per worker share the cores', () => {
    assert.equal(poolSizeFor(8, { threadsPerWorker: 2 }), 4);
    assert.equal(poolSizeFor(2, { threadsPerWorker: 4 }), 1);
  });
  test('memory bounds the pool', () => {
    const gb = 2 ** 30;
    assert.equal(poolSizeFor(16, { memoryBytes: 10 * gb, memoryPerWorkerBytes: 4 * gb }), 2);
    assert.equal(poolSizeFor(16, { memoryBytes: 1 * gb, memoryPerWorkerBytes: 4 * gb }), 1);
    assert.equal(poolSizeFor(2, { memoryBytes: 64 * gb, memoryPerWorkerBytes: 4 * gb }), 2);
  });
});
