import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createRng } from '../../src/util/rng';
import { compareWithCpu, randomValues, relativeError } from './compare';
import { setMatMulChunking, useSimdGemm } from '../../src/backend/wasm-kernels/mat-mul';

for (const simd of [true, false]) describe(`wasm BatchMatMul / _FusedMatMul (${simd ? 'our SIMD product' : 'XNNPACK paths'})`, () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
    useSimdGemm(simd);
  });
  after(() => {
    useSimdGemm(true);
  });
  const rng = createRng(1);
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['2-D', [5, 7], [7, 3], false, false],
    ['transposeA', [7, 5], [7, 3], true, false],
    ['transposeB', [5, 7], [3, 7], false, true],
    ['both transposed', [7, 5], [3, 7], true, true],
    ['batched', [3, 5, 7], [3, 7, 4], false, false],
    ['batched transposeB (attention scores)', [3, 5, 7], [3, 6, 7], false, true],
    ['batched transposeA', [3, 7, 5], [3, 7, 4], true, false],
    ['partial panels and blocks', [13, 29], [29, 17], false, false],
    ['reduction over several chunks of k', [14, 600], [600, 16], false, false],
    ['reduction of 1', [7, 1], [1, 9], false, false],
    ['many panels and blocks, both transposed', [45, 50], [70, 45], true, true],
  ];
  for (const [label, sa, sb, ta, tb] of cases) {
    test(`matMul ${label}`, async () => {
      await compareWithCpu(rng, label, [sa, sb], (a, b) => tf.matMul(a, b, ta, tb));
    });
  }
  // tfjs-core has no gradient for broadcast batch dims (on any backend): forward only.
  test('matMul shared weight over 3-D input (forward)', async () => {
    await compareWithCpu(rng, 'shared weight', [[2, 5, 7], [7, 4]], (a, b) => tf.matMul(a, b), { grad: false });
  });
  test('matMul broadcast batch dims against a naive loop', async () => {
    await tf.setBackend('wasm');
    const a = randomValues(rng, 2 * 5 * 7);
    const b = randomValues(rng, 3 * 7 * 4);
    const out = tf.tidy(() => tf.matMul(tf.tensor(a, [2, 1, 5, 7]), tf.tensor(b, [1, 3, 7, 4])).dataSync());
    const expected = new Float32Array(2 * 3 * 5 * 4);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let m = 0; m < 5; m++)
          for (let n = 0; n < 4; n++) {
            let acc = 0;
            for (let k = 0; k < 7; k++) acc += a[(i * 5 + m) * 7 + k] * b[(j * 7 + k) * 4 + n];
            expected[((i * 3 + j) * 5 + m) * 4 + n] = acc;
          }
    assert.ok(relativeError(out, expected) < 1e-5);
  });
  test('weight gradient a^T b with a long reduction and m < n (computed as (b^T a)^T)', async () => {
    await compareWithCpu(rng, 'long a^T b', [[1100, 5], [1100, 7]], (a, b) => tf.matMul(a, b, true, false));
  });
  test('long reductions run in chunks (thresholds lowered), every transpose variant', async () => {
    const previous = setMatMulChunking(8, 20);
    try {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const sa = ta ? [37, 5] : [5, 37];
        const sb = tb ? [6, 37] : [37, 6];
        await compareWithCpu(rng, `chunked ${ta} ${tb}`, [sa, sb], (a, b) => tf.matMul(a, b, ta, tb));
      }
    } finally {
      setMatMulChunking(...previous);
    }
  });
  test('fused matMul with bias and relu, transposed', async () => {
    await compareWithCpu(rng, 'fused', [[9, 6], [4, 9], [4]], (a, b, bias) =>
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: true, transposeB: true, bias, activation: 'relu' }),
    );
  });
  test('fused matMul with a broadcast 2-D bias and leaky relu', async () => {
    await compareWithCpu(rng, 'fused 2-D bias', [[5, 6], [6, 4], [5, 1]], (a, b, bias) =>
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'leakyrelu', leakyreluAlpha: 0.1 }),
    );
  });
  test('fused matMul batched with bias and elu', async () => {
    await compareWithCpu(rng, 'fused batched', [[3, 5, 6], [3, 6, 4], [4]], (a, b, bias) =>
      tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, bias, activation: 'elu' }),
    );
  });
});
