import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { vicregTerms, type VicregTermOptions } from '../../src/losses/vicreg-terms';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

type Matrix = number[][];
interface Terms {
  invariance: number;
  variance: number;
  covariance: number;
}

function randomMatrix(n: number, d: number, seed: number, scale = 1): Matrix {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => scale * rng.normal()));
}

/** Unbiased batch covariance `[d, d]` (divisor n - 1) in float64 loops. */
function naiveCovariance(z: Matrix): Matrix {
  const n = z.length;
  const d = z[0].length;
  const mean = Array.from({ length: d }, (_, k) => z.reduce((s, row) => s + row[k], 0) / n);
  return Array.from({ length: d }, (_, j) =>
    Array.from({ length: d }, (_, k) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (z[i][j] - mean[j]) * (z[i][k] - mean[k]);
      return s / (n - 1);
    }),
  );
}

/** The three VICReg terms by their definitions. */
function naiveVicreg(z1: Matrix, z2: Matrix, gamma: number, eps: number): Terms {
  const n = z1.length;
  const d = z1[0].length;
  let invariance = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) invariance += (z1[i][k] - z2[i][k]) ** 2;
  invariance /= n * d;
  let variance = 0;
  let covariance = 0;
  for (const z of [z1, z2]) {
    const c = naiveCovariance(z);
    let v = 0;
    for (let k = 0; k < d; k++) v += Math.max(0, gamma - Math.sqrt(c[k][k] + eps));
    variance += v / d / 2;
    let off = 0;
    for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) if (j !== k) off += c[j][k] ** 2;
    covariance += off / d;
  }
  return { invariance, variance, covariance };
}

function terms(z1: Matrix, z2: Matrix, options: VicregTermOptions = {}): Terms {
  return tf.tidy(() => {
    const t = vicregTerms(tf.tensor2d(z1), tf.tensor2d(z2), options);
    return { invariance: t.invariance.dataSync()[0], variance: t.variance.dataSync()[0], covariance: t.covariance.dataSync()[0] };
  });
}

function assertClose(got: Terms, expected: Terms, tol: number, label: string): void {
  for (const key of ['invariance', 'variance', 'covariance'] as const) {
    const scale = Math.max(1, Math.abs(expected[key]));
    assert.ok(Math.abs(got[key] - expected[key]) < tol * scale, `${label} ${key}: ${got[key]} vs ${expected[key]}`);
  }
}

describe('vicregTerms', () => {
  test('each term equals the naive loop (unbiased variance and covariance) on random inputs', () => {
    for (const [n, d, seed, scale] of [
      [2, 2, 1, 1],
      [5, 3, 2, 0.3],
      [9, 6, 3, 2],
      [16, 4, 4, 0.7],
    ]) {
      const z1 = randomMatrix(n, d, seed, scale);
      const z2 = randomMatrix(n, d, seed + 10, scale);
      for (const options of [{}, { gamma: 0.5, epsilon: 1e-2 }, { gamma: 2, epsilon: 1e-4 }]) {
        const expected = naiveVicreg(z1, z2, options.gamma ?? 1, options.epsilon ?? 1e-4);
        assertClose(terms(z1, z2, options), expected, 1e-5, `n ${n} d ${d} ${JSON.stringify(options)}`);
      }
    }
  });

  test('defaults are gamma 1 and epsilon 1e-4; the variance term is 0 once every std exceeds gamma', () => {
    const z1 = randomMatrix(6, 3, 5, 0.2);
    const z2 = randomMatrix(6, 3, 6, 0.2);
    assertClose(terms(z1, z2), naiveVicreg(z1, z2, 1, 1e-4), 1e-5, 'defaults');
    const wide1 = randomMatrix(40, 3, 7, 10);
    const wide2 = randomMatrix(40, 3, 8, 10);
    assert.equal(terms(wide1, wide2).variance, 0);
    // collapse: all rows equal -> std ~ sqrt(eps), variance term ~ gamma - sqrt(eps), no covariance
    const same = Array.from({ length: 4 }, () => [1, 2, 3]);
    const collapsed = terms(same, same, { gamma: 1, epsilon: 1e-4 });
    assert.ok(Math.abs(collapsed.variance - (1 - 0.01)) < 1e-5, `${collapsed.variance}`);
    assert.equal(collapsed.invariance, 0);
    assert.ok(Math.abs(collapsed.covariance) < 1e-10);
  });

  test('symmetric under swapping the views and invariant to permuting the rows of both views together', () => {
    const z1 = randomMatrix(7, 4, 11);
    const z2 = randomMatrix(7, 4, 12);
    const base = terms(z1, z2);
    assertClose(terms(z2, z1), base, 1e-6, 'swapped');
    const order = [6, 3, 0, 5, 1, 4, 2];
    assertClose(terms(order.map((i) => z1[i]), order.map((i) => z2[i])), base, 1e-5, 'permuted');
    // and to shifting both views by the same vector: variance and covariance ignore the mean, invariance sees only differences
    const shift = [3, -1, 0.5, 2];
    assertClose(terms(z1.map((r) => r.map((x, k) => x + shift[k])), z2.map((r) => r.map((x, k) => x + shift[k]))), base, 1e-4, 'shifted');
  });

  test('the covariance term is 0 for decorrelated (diagonal-structured) embeddings', () => {
    // rows +-a_k e_k: every dimension has mean 0 and no two dimensions are nonzero together
    const a = [1, 2, 0.5];
    const z: Matrix = [];
    a.forEach((scale, k) => {
      for (const sign of [1, -1]) z.push(a.map((_, j) => (j === k ? sign * scale : 0)));
    });
    const t = terms(z, z.map((r) => r.map((x) => 2 * x)));
    assert.ok(Math.abs(t.covariance) < 1e-10, `${t.covariance}`);
    // a correlated copy (second dimension = first) has a positive covariance term equal to the naive one
    const correlated = randomMatrix(8, 1, 13).map(([x]) => [x, x, 0.1 * x]);
    const c = terms(correlated, correlated);
    assert.ok(c.covariance > 0.1);
    assertClose(c, naiveVicreg(correlated, correlated, 1, 1e-4), 1e-5, 'correlated');
  });

  test('gradients match finite differences of the naive terms', () => {
    const z1 = randomMatrix(4, 3, 21, 0.5);
    const z2 = randomMatrix(4, 3, 22, 0.5);
    const weights = { invariance: 25, variance: 25, covariance: 1 };
    const total = (t: Terms): number => weights.invariance * t.invariance + weights.variance * t.variance + weights.covariance * t.covariance;
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => {
          const t = vicregTerms(x as tf.Tensor2D, tf.tensor2d(z2));
          return tf.addN([tf.mul(t.invariance, weights.invariance), tf.mul(t.variance, weights.variance), tf.mul(t.covariance, weights.covariance)]);
        })(tf.tensor2d(z1))
        .arraySync(),
    ) as Matrix;
    const h = 1e-6;
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < 3; k++) {
        const plus = z1.map((r) => [...r]);
        const minus = z1.map((r) => [...r]);
        plus[i][k] += h;
        minus[i][k] -= h;
        const numeric = (total(naiveVicreg(plus, z2, 1, 1e-4)) - total(naiveVicreg(minus, z2, 1, 1e-4))) / (2 * h);
        assert.ok(Math.abs(grad[i][k] - numeric) < 2e-3 * Math.max(1, Math.abs(numeric)), `[${i}, ${k}] ${grad[i][k]} vs ${numeric}`);
      }
    }
  });

  test('shape errors are InputErrors; no tensors leak beyond the three returned scalars', () => {
    const a = tf.tensor2d(randomMatrix(3, 2, 1));
    const b = tf.tensor2d(randomMatrix(3, 2, 2));
    const one = tf.tensor2d([[1, 2]]);
    const wide = tf.tensor2d(randomMatrix(3, 3, 3));
    assert.throws(() => vicregTerms(a, wide), (e: unknown) => e instanceof InputError && /vicregTerms embeddings: expected .*found \[3, 2\] and \[3, 3\]/.test(e.message));
    assert.throws(() => vicregTerms(one, one), (e: unknown) => e instanceof InputError && /n >= 2/.test(e.message));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const t = vicregTerms(a, b);
      assert.equal(tf.memory().numTensors, before + 3);
      for (const s of [t.invariance, t.variance, t.covariance]) s.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    for (const t of [a, b, one, wide]) t.dispose();
  });
});
