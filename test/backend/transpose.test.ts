import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, onBackend } from './compare';

describe('wasm transpose (SIMD 4x4 tiles for the last two axes, strided copy otherwise)', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(11);
  const cases: [shape: number[], perm: number[]][] = [
    [[4, 4], [1, 0]],
    [[5, 7], [1, 0]], // fringe rows and columns
    [[70, 101], [1, 0]], // several 32 x 32 tiles plus fringes
    [[64, 128], [1, 0]],
    [[3, 9, 6], [0, 2, 1]], // batch of transposes
    [[2, 3, 12, 5], [0, 1, 3, 2]],
    [[3, 2], [1, 0]], // too small for tiles
    [[4, 6, 5], [1, 0, 2]], // not the last two axes: strided copy
  ];
  for (const [shape, perm] of cases) {
    test(`transpose ${shape} by ${perm} matches cpu, forward and gradient`, async () => {
      await compareWithCpu(rng, `transpose ${shape}`, [shape], (x) => tf.transpose(x, perm), { tol: 0 });
    });
  }
  test('int32 values are moved bit for bit', async () => {
    const f = () => tf.transpose(tf.tensor2d(Array.from({ length: 6 * 10 }, (_, i) => i * 7919 - 100000), [6, 10], 'int32'));
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(wasm, await onBackend('cpu', f));
  });
});
