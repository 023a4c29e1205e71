import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, onBackend } from './compare';

// Sum / Mean over leading axes (our AvgPool path) and over others (shipped), Tile,
// Transpose, Slice.
describe('wasm Sum, Mean, Tile, Transpose, Slice', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(4);
  const reductions: [number[], number | number[], boolean][] = [
    [[7, 5], 0, false],
    [[7, 5], 0, true],
    [[3, 5, 7, 4], [0, 1, 2], false],
    [[3, 5, 7, 4], [0, 1, 2], true],
    [[3, 5, 7, 4], [1, 2], false],
    [[3, 5, 7, 4], [1], true],
    [[3, 5, 7, 4], [0, 2], false], // not contiguous: shipped kernel
    [[3, 5, 7, 4], [2, 3], false], // innermost: shipped kernel
    [[3, 5, 7, 4], -1, true],
    [[6], 0, false],
    [[600, 8], 0, false], // SIMD column sums over several blocks of rows
    [[2, 300, 12], [1], true],
  ];
  for (const [shape, axis, keepDims] of reductions) {
    test(`sum and mean of ${shape} over ${axis}${keepDims ? ' keepDims' : ''}`, async () => {
      await compareWithCpu(rng, 'sum', [shape], (x) => tf.sum(x, axis, keepDims));
      await compareWithCpu(rng, 'mean', [shape], (x) => tf.mean(x, axis, keepDims));
    });
  }
  test('sum over all axes and of an int32 tensor', async () => {
    await compareWithCpu(rng, 'sum all', [[4, 3, 5]], (x) => tf.sum(x));
    const cpu = await onBackend('cpu', () => tf.sum(tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'), 0));
    const wasm = await onBackend('wasm', () => tf.sum(tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'), 0));
    assert.deepEqual(wasm, cpu);
  });
  const tiles: [number[], number[]][] = [
    [[1, 1, 1, 5], [3, 4, 2, 1]],
    [[2, 3], [3, 2]],
    [[4, 1], [1, 6]],
    [[2, 1, 3], [2, 3, 2]],
    [[5], [3]],
    [[1, 1], [3, 7]],
    [[1, 1], [64, 80]],
    [[1], [5000]],
  ];
  for (const [shape, reps] of tiles) {
    test(`tile ${shape} by ${reps}`, async () => {
      await compareWithCpu(rng, 'tile', [shape], (x) => tf.tile(x, reps));
    });
  }
  test('tile of int32 and bool tensors', async () => {
    const f = () => [
      tf.tile(tf.tensor2d([[1, 2, 3]], undefined, 'int32'), [2, 2]),
      tf.cast(tf.tile(tf.tensor1d([1, 0], 'bool'), [3]), 'int32'),
      tf.tile(tf.tensor2d([[-7]], undefined, 'int32'), [3, 5000]),
      tf.cast(tf.tile(tf.tensor1d([1], 'bool'), [4100]), 'int32'),
    ];
    assert.deepEqual(await onBackend('wasm', f), await onBackend('cpu', f));
  });
  test('batchNorm gradient (tiles its statistics)', async () => {
    await compareWithCpu(rng, 'batchNorm', [[3, 5, 7, 4], [4], [4], [4], [4]], (x, m, v, off, sc) =>
      tf.batchNorm(x, m, tf.add(tf.abs(v), 0.5), off, sc, 1e-3),
    );
  });
  const perms: [number[], number[]][] = [
    [[5, 7], [1, 0]],
    [[3, 5, 7, 4], [3, 1, 2, 0]],
    [[3, 5, 7, 4], [0, 2, 1, 3]],
    [[2, 3, 4, 5, 6], [4, 0, 3, 1, 2]],
    [[2, 1, 3], [2, 1, 0]],
  ];
  for (const [shape, perm] of perms) {
    test(`transpose ${shape} by ${perm}`, async () => {
      await compareWithCpu(rng, 'transpose', [shape], (x) => tf.transpose(x, perm));
    });
  }
  test('transpose and slice of int32 and bool tensors', async () => {
    const f = () => {
      const i = tf.tensor3d([...Array(24).keys()], [2, 3, 4], 'int32');
      const b = tf.greater(i, 11);
      return [tf.transpose(i, [2, 0, 1]), tf.slice(i, [1, 1, 0], [1, 2, 3]), tf.cast(tf.transpose(b, [1, 2, 0]), 'int32'), tf.cast(tf.slice(b, [0, 2, 1], [2, 1, 3]), 'int32')];
    };
    assert.deepEqual(await onBackend('wasm', f), await onBackend('cpu', f));
  });
  const slices: [number[], number[], number[]][] = [
    [[5, 7], [1, 2], [3, 4]],
    [[3, 5, 7, 4], [0, 1, 2, 0], [3, 3, 4, 4]],
    [[3, 5, 7, 4], [1, 0, 0, 1], [1, -1, 7, 2]],
    [[9], [3], [5]],
  ];
  for (const [shape, begin, size] of slices) {
    test(`slice ${shape} at ${begin} size ${size}`, async () => {
      await compareWithCpu(rng, 'slice', [shape], (x) => tf.slice(x, begin, size));
    });
  }
});
