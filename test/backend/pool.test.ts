import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, onBackend, randomValues, relativeError } from './compare';

describe('wasm pooling and pooling gradients', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const rng = createRng(3);
  type Case = [x: number[], size: number, stride: number, pad: 'same' | 'valid'];
  const cases: Case[] = [
    [[3, 6, 8, 5], 2, 2, 'valid'],
    [[3, 6, 8, 8], 2, 2, 'valid'], // channels a multiple of 4: the SIMD path
    [[2, 5, 7, 12], 2, 2, 'valid'], // SIMD path, odd height and width
    [[3, 5, 7, 3], 2, 2, 'valid'],
    [[3, 5, 7, 3], 2, 2, 'same'],
    [[3, 5, 7, 3], 3, 2, 'same'],
    [[2, 7, 5, 4], 3, 1, 'valid'],
    [[2, 7, 5, 4], 3, 2, 'valid'],
  ];
  for (const [xs, size, stride, pad] of cases) {
    test(`maxPool ${xs} ${size}/${stride} ${pad}`, async () => {
      await compareWithCpu(rng, 'maxPool', [xs], (x) => tf.maxPool(x as tf.Tensor4D, size, stride, pad));
    });
    test(`maxPool ${xs} ${size}/${stride} ${pad} on negative values`, async () => {
      await compareWithCpu(rng, 'maxPool negative', [xs], (x) => tf.maxPool(x as tf.Tensor4D, size, stride, pad), { lo: -2, hi: -1 });
    });
  }
  test('maxPool gradient goes to the first maximum of a window with ties', async () => {
    await compareWithCpu(rng, 'maxPool ties', [[2, 4, 4, 3]], (x) => tf.maxPool(tf.round(tf.mul(x, 1.5)) as tf.Tensor4D, 2, 2, 'valid'));
    await compareWithCpu(rng, 'maxPool ties (SIMD)', [[2, 4, 6, 8]], (x) => tf.maxPool(tf.round(tf.mul(x, 1.5)) as tf.Tensor4D, 2, 2, 'valid'));
  });
  test('maxPool gradient with 4 channels (SIMD): first maximum, ties, -Infinity and NaN windows', async () => {
    // One 2x2 window, channels: distinct, all tied, all -Infinity, a NaN beside a maximum.
    const cells = [
      [1, 5, -Infinity, -Infinity],
      [4, 5, -Infinity, NaN],
      [9, 5, -Infinity, 2],
      [2, 5, -Infinity, NaN],
    ];
    const f = () =>
      tf.grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'))(
        tf.tensor4d(cells.flat(), [1, 2, 2, 4]),
        tf.tensor4d([10, 20, 30, 40], [1, 1, 1, 4]),
      );
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(Array.from(wasm.values[0]), [0, 20, 0, 0, 0, 0, 0, 0, 10, 0, 0, 40, 0, 0, 0, 0]);
  });
  test('maxPool gradient: a window of -Infinity gets none, as on cpu', async () => {
    const f = () =>
      tf.grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'))(
        tf.tensor4d([-Infinity, -Infinity, 1, 2, -Infinity, -Infinity, 3, 3], [1, 2, 4, 1]),
        tf.tensor4d([5, 7], [1, 1, 2, 1]),
      );
    const wasm = await onBackend('wasm', f);
    assert.deepEqual(wasm, await onBackend('cpu', f));
    assert.deepEqual(Array.from(wasm.values[0]), [0, 0, 0, 0, 0, 0, 7, 0]);
  });
  // The cpu AvgPoolGrad divides by the full window even where the forward pass divides
  // by the non-padding count; compare with cpu where there is no padding...
  for (const [xs, size, stride] of [[[3, 6, 8, 5], 2, 2], [[2, 7, 5, 4], 3, 1], [[2, 7, 5, 4], 3, 2]] as [number[], number, number][]) {
    test(`avgPool ${xs} ${size}/${stride} valid`, async () => {
      await compareWithCpu(rng, 'avgPool', [xs], (x) => tf.avgPool(x as tf.Tensor4D, size, stride, 'valid'));
    });
  }
  // ...and with padding against a naive loop of the true gradient.
  test('avgPool same-padded gradient matches the forward pass divisor', async () => {
    await tf.setBackend('wasm');
    const [n, h, w, c, k, s] = [2, 5, 7, 3, 3, 2];
    const xv = randomValues(rng, n * h * w * c);
    const ho = Math.ceil(h / s);
    const wo = Math.ceil(w / s);
    const dyv = randomValues(rng, n * ho * wo * c);
    const grad = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, k, s, 'same'))(tf.tensor(xv, [n, h, w, c]), tf.tensor(dyv, [n, ho, wo, c])).dataSync(),
    );
    const top = Math.floor(Math.max((ho - 1) * s + k - h, 0) / 2);
    const left = Math.floor(Math.max((wo - 1) * s + k - w, 0) / 2);
    const expected = new Float32Array(n * h * w * c);
    for (let b = 0; b < n; b++)
      for (let yo = 0; yo < ho; yo++)
        for (let xo = 0; xo < wo; xo++) {
          const cells: number[] = [];
          for (let a = 0; a < k; a++)
            for (let e = 0; e < k; e++) {
              const yi = yo * s - top + a;
              const xi = xo * s - left + e;
              if (yi >= 0 && yi < h && xi >= 0 && xi < w) cells.push((b * h + yi) * w + xi);
            }
          for (const cell of cells)
            for (let ch = 0; ch < c; ch++) expected[cell * c + ch] += dyv[((b * ho + yo) * wo + xo) * c + ch] / cells.length;
        }
    assert.ok(relativeError(grad, expected) < 1e-5);
  });
  test('global average pooling as mean over [1, 2]', async () => {
    await compareWithCpu(rng, 'global avg', [[3, 5, 7, 4]], (x) => tf.mean(x, [1, 2]));
  });
});
