import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { crossEntropy, logSoftmaxRows } from '../../src/losses/cross-entropy';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

type Matrix = number[][];

function randomMatrix(n: number, d: number, seed: number, scale = 1): Matrix {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => scale * rng.normal()));
}

function randomLabels(n: number, classes: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.int(classes));
}

/** `x_k - log sum_j exp x_j` per row, float64, stabilised by the row maximum. */
function naiveLogSoftmax(x: Matrix): Matrix {
  return x.map((row) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return row.map((v) => v - lse);
  });
}

/** `mean_i -log softmax(l_i)[y_i]`. */
function naiveCrossEntropy(logits: Matrix, labels: number[]): number {
  const logp = naiveLogSoftmax(logits);
  return labels.reduce((s, y, i) => s - logp[i][y], 0) / labels.length;
}

function loss(logits: Matrix, labels: number[]): number {
  return tf.tidy(() => crossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32')).dataSync()[0]);
}

describe('crossEntropy and logSoftmaxRows', () => {
  test('logSoftmaxRows equals the naive loop, rows exponentiate to 1, large logits stay finite', () => {
    for (const [n, k, seed, scale] of [
      [1, 2, 1, 1],
      [4, 5, 2, 3],
      [3, 10, 3, 50],
    ]) {
      const x = randomMatrix(n, k, seed, scale);
      const got = tf.tidy(() => logSoftmaxRows(tf.tensor2d(x)).arraySync()) as Matrix;
      const expected = naiveLogSoftmax(x);
      got.forEach((row, i) => {
        row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-4 * Math.max(1, Math.abs(expected[i][j])), `[${i}, ${j}] ${v} vs ${expected[i][j]}`));
        assert.ok(Math.abs(row.reduce((s, v) => s + Math.exp(v), 0) - 1) < 1e-5);
      });
    }
    const huge = tf.tidy(() => logSoftmaxRows(tf.tensor2d([[1000, 0, -1000]])).arraySync()) as Matrix;
    assert.ok(huge[0].slice(0, 2).every(Number.isFinite));
    assert.ok(Math.abs(huge[0][0]) < 1e-6 && Math.abs(huge[0][1] + 1000) < 1e-3);
  });

  test('crossEntropy equals the naive loop on random logits and labels', () => {
    for (const [n, k, seed, scale] of [
      [1, 2, 1, 1],
      [6, 3, 2, 2],
      [10, 7, 3, 0.5],
      [5, 4, 4, 30],
    ]) {
      const logits = randomMatrix(n, k, seed, scale);
      const labels = randomLabels(n, k, seed + 7);
      const expected = naiveCrossEntropy(logits, labels);
      const got = loss(logits, labels);
      assert.ok(Math.abs(got - expected) < 1e-5 * Math.max(1, expected), `n ${n} k ${k}: ${got} vs ${expected}`);
    }
  });

  test('chance level log(K) for equal logits, whatever the labels; invariant to a per-row shift and to the order of the examples', () => {
    for (const k of [2, 5, 10]) {
      const equal = Array.from({ length: 4 }, (_, i) => Array.from({ length: k }, () => i - 1.5));
      assert.ok(Math.abs(loss(equal, randomLabels(4, k, k)) - Math.log(k)) < 1e-6, `K ${k}`);
    }
    const logits = randomMatrix(5, 4, 9);
    const labels = randomLabels(5, 4, 10);
    const base = loss(logits, labels);
    assert.ok(Math.abs(loss(logits.map((r, i) => r.map((x) => x + 10 * i)), labels) - base) < 1e-4);
    const order = [2, 4, 0, 3, 1];
    assert.ok(Math.abs(loss(order.map((i) => logits[i]), order.map((i) => labels[i])) - base) < 1e-6);
  });

  test('gradient w.r.t. the logits is (softmax - onehot) / n and matches finite differences', () => {
    const n = 4;
    const k = 3;
    const logits = randomMatrix(n, k, 21);
    const labels = randomLabels(n, k, 22);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, tf.tensor1d(labels, 'int32')))(tf.tensor2d(logits)).arraySync()) as Matrix;
    const softmax = naiveLogSoftmax(logits).map((row) => row.map(Math.exp));
    const h = 1e-6;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const analytic = (softmax[i][j] - (labels[i] === j ? 1 : 0)) / n;
        assert.ok(Math.abs(grad[i][j] - analytic) < 1e-6, `[${i}, ${j}] ${grad[i][j]} vs ${analytic}`);
        const plus = logits.map((r) => [...r]);
        const minus = logits.map((r) => [...r]);
        plus[i][j] += h;
        minus[i][j] -= h;
        const numeric = (naiveCrossEntropy(plus, labels) - naiveCrossEntropy(minus, labels)) / (2 * h);
        assert.ok(Math.abs(grad[i][j] - numeric) < 1e-5, `[${i}, ${j}] ${grad[i][j]} vs ${numeric}`);
      }
    }
    // the log-softmax gradient of sum(w * logSoftmax(x)) is w - softmax * sum(w) per row
    const w = randomMatrix(n, k, 23);
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(logSoftmaxRows(x as tf.Tensor2D), tf.tensor2d(w))))(tf.tensor2d(logits)).arraySync()) as Matrix;
    for (let i = 0; i < n; i++) {
      const total = w[i].reduce((s, v) => s + v, 0);
      for (let j = 0; j < k; j++) assert.ok(Math.abs(g[i][j] - (w[i][j] - softmax[i][j] * total)) < 1e-5);
    }
  });

  test('bad shapes and float labels are InputErrors; no tensors leak', () => {
    const logits = tf.tensor2d(randomMatrix(3, 4, 1));
    const labels = tf.tensor1d([0, 3, 1], 'int32');
    const short = tf.tensor1d([0, 1], 'int32');
    const floats = tf.tensor1d([0, 1, 2]);
    assert.throws(() => crossEntropy(logits, short), (e: unknown) => e instanceof InputError && /crossEntropy inputs: expected logits \[n, classes\] and labels \[n\], found \[3, 4\] and \[2\]/.test(e.message));
    assert.throws(() => crossEntropy(logits, floats), (e: unknown) => e instanceof InputError && /crossEntropy labels: expected an int32 tensor, found dtype float32/.test(e.message));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      crossEntropy(logits, labels).dispose();
      logSoftmaxRows(logits).dispose();
      tf.grad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, labels))(logits).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    for (const t of [logits, labels, short, floats]) t.dispose();
  });
});
