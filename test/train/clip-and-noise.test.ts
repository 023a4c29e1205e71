import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { clipAndNoise, normalDraws, gradientNorm } from '../../src/train/clip-and-noise';
import { poissonBatch } from '../../src/train/poisson-batch';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

const example = (a: number[], b: number[]) => ({ w: tf.tensor1d(a), b: tf.tensor1d(b) });

describe('clipAndNoise (DP-SGD aggregation)', () => {
  test('without noise: per-example clipping to C, summed, divided by the expected batch size, as a naive loop computes it', () => {
    const grads = [example([3, 4], [0]), example([0.3, 0], [0.4]), example([6, 0], [8])];
    const before = tf.memory().numTensors;
    const out = clipAndNoise(grads, { clip: 1, noise: 0, expectedBatchSize: 2, rng: createRng(0) });
    const naive = { w: [0, 0], b: [0] };
    for (const g of grads) {
      const w = Array.from(g.w.dataSync());
      const b = Array.from(g.b.dataSync());
      const norm = Math.hypot(...w, ...b);
      const s = Math.min(1, 1 / norm);
      w.forEach((v, i) => (naive.w[i] += (v * s) / 2));
      b.forEach((v, i) => (naive.b[i] += (v * s) / 2));
    }
    Array.from(out.w.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - naive.w[i]) < 1e-6));
    Array.from(out.b.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - naive.b[i]) < 1e-6));
    assert.equal(gradientNorm(grads[0]), 5);
    tf.dispose(Object.values(out));
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(grads.flatMap((g) => Object.values(g)));
  });

  test('normalDraws (polar method): mean 0, the std asked for, normal tails and quantiles; seeded', () => {
    const n = 200_000;
    const x = normalDraws(createRng(7), n, 2);
    const mean = x.reduce((a, v) => a + v, 0) / n;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
    const kurtosis = x.reduce((a, v) => a + (v - mean) ** 4, 0) / n / variance ** 2;
    assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(variance) - 2) < 0.02, `std ${Math.sqrt(variance)}`);
    assert.ok(Math.abs(kurtosis - 3) < 0.1, `kurtosis ${kurtosis}`);
    // Standard normal CDF at -1.96, -1, 0, 1, 1.96 (x / 2): 0.025, 0.1587, 0.5, 0.8413, 0.975.
    for (const [z, p] of [[-1.96, 0.025], [-1, 0.1587], [0, 0.5], [1, 0.8413], [1.96, 0.975]]) {
      const below = x.filter((v) => v / 2 < z).length / n;
      assert.ok(Math.abs(below - p) < 0.004, `P(Z < ${z}) = ${below}, expected ${p}`);
    }
    assert.deepEqual(normalDraws(createRng(7), 5, 1), normalDraws(createRng(7), 5, 1));
    assert.equal(normalDraws(createRng(7), 3, 1).length, 3);
  });

  test('the noise has std sigma C / expected batch size per coordinate, and comes from the rng alone', () => {
    const zero = [{ w: tf.zeros([20000]) }];
    const out = clipAndNoise(zero, { clip: 2, noise: 1.5, expectedBatchSize: 4, rng: createRng(3) });
    const v = Array.from(out.w.dataSync() as Float32Array);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(std - (1.5 * 2) / 4) < 0.01, `std ${std}`);
    assert.ok(Math.abs(mean) < 0.01);
    const again = clipAndNoise(zero, { clip: 2, noise: 1.5, expectedBatchSize: 4, rng: createRng(3) });
    assert.deepEqual(again.w.dataSync(), out.w.dataSync());
    tf.dispose([...Object.values(out), ...Object.values(again), zero[0].w]);
  });

  test('bad settings and mismatched examples are errors', () => {
    const g = example([1, 1], [1]);
    assert.throws(() => clipAndNoise([g], { clip: 0, noise: 1, expectedBatchSize: 1, rng: createRng(0) }), /clipAndNoise clip: expected a finite number in \(0, inf\), found 0/);
    assert.throws(() => clipAndNoise([], { clip: 1, noise: 1, expectedBatchSize: 1, rng: createRng(0) }), /perExample: expected the gradients of at least one example/);
    assert.throws(() => clipAndNoise([g, { w: g.w }], { clip: 1, noise: 1, expectedBatchSize: 1, rng: createRng(0) }), /perExample\[1\]: expected gradients of b, w, found w/);
    tf.dispose(Object.values(g));
  });
});

describe('poissonBatch', () => {
  test('each example independently with the rate: the size is binomial, deterministic per seed', () => {
    const sizes = Array.from({ length: 200 }, (_, s) => poissonBatch(1000, 0.05, createRng(s)).length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    assert.ok(Math.abs(mean - 50) < 2, `mean size ${mean}`);
    assert.ok(new Set(sizes).size > 10, 'the size varies');
    const b = poissonBatch(1000, 0.05, createRng(7));
    assert.deepEqual(b, poissonBatch(1000, 0.05, createRng(7)));
    assert.ok(b.every((v, i) => i === 0 || v > b[i - 1]));
    assert.equal(poissonBatch(10, 0, createRng(0)).length, 0);
    assert.equal(poissonBatch(10, 1, createRng(0)).length, 10);
    assert.throws(() => poissonBatch(10, 1.2, createRng(0)), /rate: expected a probability in \[0, 1\]/);
  });
});
