import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { knnAccuracy, defaultKnnOptions, type KnnOptions } from '../../src/eval/knn';
import type { FeatureMatrix } from '../../src/eval/feature-matrix';
import { InputError } from '../../src/util/errors';
import { clusters, noise } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

/** Naive kNN: full sort of all training rows per test row, votes as documented. */
function naiveKnn(train: FeatureMatrix, trainLabels: Int32Array, test: FeatureMatrix, o: KnnOptions): Int32Array {
  const row = (m: FeatureMatrix, i: number) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const out = new Int32Array(test.rows);
  for (let t = 0; t < test.rows; t++) {
    const q = row(test, t);
    const scored = Array.from({ length: train.rows }, (_, i) => {
      const p = row(train, i);
      const dot = p.reduce((s, x, j) => s + x * q[j], 0);
      const dist = Math.sqrt(p.reduce((s, x, j) => s + (x - q[j]) ** 2, 0));
      const cos = dot / (norm(p) * norm(q));
      return { i, sim: o.metric === 'cosine' ? cos : -dist, dist, cos };
    }).sort((a, b) => b.sim - a.sim);
    const nn = scored.slice(0, o.k);
    const votes = new Map<number, number>();
    for (const n of nn) {
      const w = o.vote === 'majority' ? 1 : o.metric === 'cosine' ? Math.exp(n.cos / o.temperature) : 1 / (n.dist + 1e-12);
      votes.set(trainLabels[n.i], (votes.get(trainLabels[n.i]) ?? 0) + w);
    }
    let best = trainLabels[nn[0].i];
    for (const n of nn) if (votes.get(trainLabels[n.i])! > votes.get(best)!) best = trainLabels[n.i];
    out[t] = best;
  }
  return out;
}

describe('knnAccuracy', () => {
  const train = noise(40, 5, 3, 1);
  const testSet = noise(25, 5, 3, 2);
  for (const metric of ['cosine', 'l2'] as const) {
    for (const vote of ['majority', 'weighted'] as const) {
      test(`matches a naive loop (${metric}, ${vote}), batches of test rows, no leak`, async () => {
        const o = { ...defaultKnnOptions, k: 5, metric, vote, temperature: 0.5, batchSize: 7 };
        const before = tf.memory().numTensors;
        const r = await knnAccuracy(train.features, train.labels, testSet.features, testSet.labels, o);
        assert.equal(tf.memory().numTensors, before);
        const expected = naiveKnn(train.features, train.labels, testSet.features, o);
        assert.deepEqual(r.predictions, expected);
        const acc = expected.reduce((s, p, i) => s + (p === testSet.labels[i] ? 1 : 0), 0) / 25;
        assert.equal(r.accuracy, acc);
      });
    }
  }

  test('separable clusters: accuracy 1; tensors accepted and not disposed', async () => {
    const a = clusters(3, 15, 4, 6, 3);
    const b = clusters(3, 10, 4, 6, 4);
    const trT = tf.tensor2d(a.features.data, [45, 4]);
    const teT = tf.tensor2d(b.features.data, [30, 4]);
    for (const metric of ['cosine', 'l2'] as const) {
      const r = await knnAccuracy(trT, a.labels, teT, b.labels, { k: 3, metric });
      assert.equal(r.accuracy, 1);
    }
    assert.equal(trT.isDisposed || teT.isDisposed, false);
    trT.dispose();
    teT.dispose();
  });

  test('k = 1 is the nearest neighbour; ties go to the class of the better-ranked neighbour', async () => {
    const trainF: FeatureMatrix = { data: Float32Array.of(1, 0, 0, 1, 0.9, 0.1, 0.1, 0.9), rows: 4, cols: 2 };
    const labels = Int32Array.of(0, 1, 0, 1);
    const testF: FeatureMatrix = { data: Float32Array.of(0.95, 0.02, 0.05, 0.97), rows: 2, cols: 2 };
    const r1 = await knnAccuracy(trainF, labels, testF, Int32Array.of(0, 1), { k: 1, metric: 'l2' });
    assert.deepEqual(Array.from(r1.predictions), [0, 1]);
    // k = 2 with majority: one vote each; the nearest one wins.
    const r2 = await knnAccuracy(trainF, Int32Array.of(0, 1, 1, 0), testF, Int32Array.of(0, 0), { k: 2, metric: 'l2', vote: 'majority' });
    assert.deepEqual(Array.from(r2.predictions), [0, 1]);
  });

  test('invalid input -> InputError', async () => {
    const f = train.features;
    const y = train.labels;
    await assert.rejects(knnAccuracy(f, y, f, y, { k: 41 }), (e: unknown) => e instanceof InputError && /options\.k: expected at most the number of training rows \(40\)/.test(e.message));
    await assert.rejects(knnAccuracy(f, y, f, y, { k: 0 }), InputError);
    await assert.rejects(knnAccuracy(f, y, f, y, { metric: 'dot' as never }), /options\.metric/);
    await assert.rejects(knnAccuracy(f, y, f, y, { temperature: 0 }), /options\.temperature/);
    await assert.rejects(knnAccuracy(f, y.slice(2), f, y), /trainLabels: expected 40 labels/);
    await assert.rejects(knnAccuracy(f, y, { data: new Float32Array(4), rows: 1, cols: 4 }, Int32Array.of(0)), /testFeatures: expected 5 columns/);
  });
});
