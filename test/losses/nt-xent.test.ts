import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { ntXentLoss } from '../../src/losses/nt-xent';
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

/** NT-Xent by the definition, in float64 loops: 2n anchors, positive = other view. */
function naiveNtXent(z1: Matrix, z2: Matrix, t: number): number {
  const z = [...z1, ...z2].map((row) => {
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    return row.map((x) => x / norm);
  });
  const n = z1.length;
  const sim = (i: number, j: number): number => z[i].reduce((s, x, k) => s + x * z[j][k], 0) / t;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const positive = i < n ? i + n : i - n;
    let denominator = 0;
    for (let j = 0; j < 2 * n; j++) if (j !== i) denominator += Math.exp(sim(i, j));
    total += -sim(i, positive) + Math.log(denominator);
  }
  return total / (2 * n);
}

function loss(z1: Matrix, z2: Matrix, t: number): number {
  return tf.tidy(() => ntXentLoss(tf.tensor2d(z1), tf.tensor2d(z2), t).dataSync()[0]);
}

describe('ntXentLoss', () => {
  test('equals the naive loop on random inputs at several temperatures', () => {
    for (const [n, d, seed] of [
      [1, 3, 1],
      [4, 3, 2],
      [7, 5, 3],
    ]) {
      const z1 = randomMatrix(n, d, seed);
      const z2 = randomMatrix(n, d, seed + 100);
      for (const t of [0.1, 0.5, 2]) {
        const expected = naiveNtXent(z1, z2, t);
        assert.ok(Math.abs(loss(z1, z2, t) - expected) < 1e-5 * Math.max(1, expected), `n ${n} t ${t}`);
      }
    }
  });

  test('symmetric in the two views, invariant to scaling and to the order of the pairs', () => {
    const z1 = randomMatrix(6, 4, 7);
    const z2 = randomMatrix(6, 4, 8);
    const base = loss(z1, z2, 0.5);
    assert.ok(Math.abs(loss(z2, z1, 0.5) - base) < 1e-6);
    assert.ok(Math.abs(loss(z1.map((r) => r.map((x) => 3 * x)), z2, 0.5) - base) < 1e-5);
    const order = [3, 0, 5, 1, 4, 2];
    assert.ok(Math.abs(loss(order.map((i) => z1[i]), order.map((i) => z2[i]), 0.5) - base) < 1e-5);
  });

  test('chance level log(2n - 1) when all projections coincide; lower temperature sharpens aligned pairs', () => {
    const same = Array.from({ length: 4 }, () => [1, 2, 3]);
    assert.ok(Math.abs(loss(same, same, 0.5) - Math.log(7)) < 1e-5);
    // orthogonal images, each pair aligned: the loss falls towards 0 as temperature falls
    const eye = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const losses = [1, 0.5, 0.1].map((t) => loss(eye, eye, t));
    assert.ok(losses[0] > losses[1] && losses[1] > losses[2], `${losses}`);
    assert.ok(losses[2] < 1e-3);
    // misaligned pairs (positives swapped): the loss rises as temperature falls
    const swapped = [eye[1], eye[2], eye[0]];
    const bad = [1, 0.5, 0.1].map((t) => loss(eye, swapped, t));
    assert.ok(bad[0] < bad[1] && bad[1] < bad[2], `${bad}`);
  });

  test('gradient matches finite differences of the naive loss', () => {
    const z1 = randomMatrix(3, 2, 11);
    const z2 = randomMatrix(3, 2, 12);
    const t = 0.5;
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, tf.tensor2d(z2), t))(tf.tensor2d(z1)).arraySync()) as Matrix;
    const h = 1e-6;
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < 2; k++) {
        const plus = z1.map((r) => [...r]);
        const minus = z1.map((r) => [...r]);
        plus[i][k] += h;
        minus[i][k] -= h;
        const numeric = (naiveNtXent(plus, z2, t) - naiveNtXent(minus, z2, t)) / (2 * h);
        assert.ok(Math.abs(grad[i][k] - numeric) < 1e-3, `[${i}, ${k}] ${grad[i][k]} vs ${numeric}`);
      }
    }
  });

  test('frees its temporaries and rejects mismatched views', () => {
    const a = tf.tensor2d(randomMatrix(3, 2, 1));
    const b = tf.tensor2d(randomMatrix(3, 2, 2));
    const before = tf.memory().numTensors;
    const l = ntXentLoss(a, b);
    assert.equal(tf.memory().numTensors, before + 1);
    l.dispose();
    const c = tf.tensor2d(randomMatrix(2, 2, 3));
    assert.throws(() => ntXentLoss(a, c), (e: unknown) => e instanceof InputError && /\[3, 2\] and \[2, 2\]/.test(e.message));
    assert.throws(() => ntXentLoss(a, b, 0), /temperature: expected a number > 0, found 0/);
    for (const t of [a, b, c]) t.dispose();
  });
});
