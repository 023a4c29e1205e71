import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { negativeCosineSimilarity } from '../../src/losses/negative-cosine';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

type Matrix = number[][];

function randomMatrix(n: number, d: number, seed: number): Matrix {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}

/** `mean_i -(p_i . z_i) / (|p_i| |z_i|)` in float64 loops. */
function naiveNegativeCosine(p: Matrix, z: Matrix): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    let dot = 0;
    let pp = 0;
    let zz = 0;
    for (let k = 0; k < p[i].length; k++) {
      dot += p[i][k] * z[i][k];
      pp += p[i][k] * p[i][k];
      zz += z[i][k] * z[i][k];
    }
    total += -dot / (Math.sqrt(pp) * Math.sqrt(zz));
  }
  return total / p.length;
}

function loss(p: Matrix, z: Matrix): number {
  return tf.tidy(() => negativeCosineSimilarity(tf.tensor2d(p), tf.tensor2d(z)).dataSync()[0]);
}

describe('negativeCosineSimilarity', () => {
  test('equals the naive loop over rows on random inputs', () => {
    for (const [n, d, seed] of [
      [1, 2, 1],
      [5, 3, 2],
      [8, 16, 3],
    ]) {
      const p = randomMatrix(n, d, seed);
      const z = randomMatrix(n, d, seed + 50);
      const expected = naiveNegativeCosine(p, z);
      const got = loss(p, z);
      assert.ok(Math.abs(got - expected) < 1e-6, `n ${n} d ${d}: ${got} vs ${expected}`);
      assert.ok(got >= -1 - 1e-6 && got <= 1 + 1e-6);
    }
  });

  test('symmetric in its arguments, invariant to positive scaling of a row and to the order of the pairs', () => {
    const p = randomMatrix(6, 4, 7);
    const z = randomMatrix(6, 4, 8);
    const base = loss(p, z);
    assert.ok(Math.abs(loss(z, p) - base) < 1e-6);
    const scaled = p.map((row, i) => row.map((x) => (i + 0.5) * 3 * x));
    assert.ok(Math.abs(loss(scaled, z) - base) < 1e-6);
    const order = [4, 2, 0, 5, 1, 3];
    assert.ok(Math.abs(loss(order.map((i) => p[i]), order.map((i) => z[i])) - base) < 1e-6);
  });

  test('-1 for identical inputs, +1 for opposite ones, 0 for orthogonal ones', () => {
    const p = randomMatrix(5, 3, 9);
    assert.ok(Math.abs(loss(p, p) + 1) < 1e-6);
    assert.ok(Math.abs(loss(p, p.map((r) => r.map((x) => -x))) - 1) < 1e-6);
    assert.ok(Math.abs(loss([[1, 0], [0, 2]], [[0, 3], [-1, 0]])) < 1e-7);
  });

  test('gradient matches finite differences of the naive loss', () => {
    const p = randomMatrix(3, 4, 11);
    const z = randomMatrix(3, 4, 12);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => negativeCosineSimilarity(x as tf.Tensor2D, tf.tensor2d(z)))(tf.tensor2d(p)).arraySync()) as Matrix;
    const h = 1e-6;
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < 4; k++) {
        const plus = p.map((r) => [...r]);
        const minus = p.map((r) => [...r]);
        plus[i][k] += h;
        minus[i][k] -= h;
        const numeric = (naiveNegativeCosine(plus, z) - naiveNegativeCosine(minus, z)) / (2 * h);
        assert.ok(Math.abs(grad[i][k] - numeric) < 1e-4, `[${i}, ${k}] ${grad[i][k]} vs ${numeric}`);
      }
    }
  });

  test('shape errors are InputErrors naming both shapes', () => {
    const a = tf.tensor2d(randomMatrix(3, 2, 1));
    const b = tf.tensor2d(randomMatrix(2, 2, 2));
    const c = tf.tensor2d(randomMatrix(3, 4, 3));
    const v = tf.tensor1d([1, 2, 3]);
    assert.throws(() => negativeCosineSimilarity(a, b), (e: unknown) => e instanceof InputError && /negativeCosineSimilarity inputs: expected two \[n, d\] tensors of the same shape, found \[3, 2\] and \[2, 2\]/.test(e.message));
    assert.throws(() => negativeCosineSimilarity(a, c), (e: unknown) => e instanceof InputError && /\[3, 2\] and \[3, 4\]/.test(e.message));
    assert.throws(() => negativeCosineSimilarity(v as unknown as tf.Tensor2D, v as unknown as tf.Tensor2D), InputError);
    for (const t of [a, b, c, v]) t.dispose();
  });

  test('no tensors leak over repeated calls and gradients', () => {
    const p = tf.tensor2d(randomMatrix(4, 3, 21));
    const z = tf.tensor2d(randomMatrix(4, 3, 22));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      negativeCosineSimilarity(p, z).dispose();
      tf.grad((x: tf.Tensor) => negativeCosineSimilarity(x as tf.Tensor2D, z))(p).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    p.dispose();
    z.dispose();
  });
});
