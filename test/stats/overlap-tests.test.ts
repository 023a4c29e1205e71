import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, spearmanPermutationTest, topKIndices, topKJaccard, topKJaccardTest, topKSize } from '../../src/stats/overlap-tests';
import { spearman } from '../../src/stats/rank-correlation';
import { createRng } from '../../src/util/rng';

const randomSample = (n: number, seed: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.normal());
};

describe('top-k overlap', () => {
  test('Jaccard of the top fraction against sets built by hand', () => {
    const a = randomSample(50, 1);
    const b = randomSample(50, 2);
    for (const fraction of [0.1, 0.2, 0.5]) {
      const k = Math.max(1, Math.round(fraction * 50));
      const top = (v: number[]) => new Set([...v.keys()].sort((i, j) => v[j] - v[i]).slice(0, k));
      const [ta, tb] = [top(a), top(b)];
      const both = [...ta].filter((i) => tb.has(i)).length;
      assert.equal(topKJaccard(a, b, fraction), both / (2 * k - both));
    }
    assert.equal(topKSize(50, 0.1), 5);
    assert.deepEqual([...topKIndices([3, 1, 3, 2], 2)], [0, 2]);
  });

  test('identical samples overlap fully, reversed ones not at all', () => {
    const a = randomSample(40, 3);
    assert.equal(topKJaccard(a, a, 0.1), 1);
    assert.equal(topKJaccard(a, a.map((v) => -v), 0.1), 0);
    assert.throws(() => topKJaccard(a, a.slice(1), 0.1), /two samples of equal length/);
    assert.throws(() => topKJaccard(a, a, 0), /fraction: expected a number in \(0, 1\]/);
  });
});

describe('permutation tests', () => {
  test('p-value by an explicit loop over the same permutations', () => {
    const a = randomSample(30, 4);
    const b = a.map((v, i) => v + randomSample(30, 5)[i]);
    const rng = createRng(7);
    const got = spearmanPermutationTest(a, b, { permutations: 99, rng });
    let above = 0;
    for (let p = 0; p < 99; p++) {
      const perm = rng.fork(p).permutation(30);
      if (spearman(a, Array.from(perm, (i) => b[i])) >= got.observed - 1e-12) above++;
    }
    assert.ok(Math.abs(got.observed - spearman(a, b)) < 1e-12);
    assert.equal(got.pValue, (1 + above) / 100);
  });

  test('small for associated samples, not small for independent ones; deterministic', () => {
    const a = randomSample(200, 8);
    const noisy = a.map((v, i) => v + 0.5 * randomSample(200, 9)[i]);
    assert.ok(spearmanPermutationTest(a, noisy, { rng: createRng(0) }).pValue <= 0.001);
    assert.ok(topKJaccardTest(a, noisy, 0.1, { rng: createRng(0) }).pValue <= 0.001);
    const independent = randomSample(200, 10);
    const pIndependent = spearmanPermutationTest(a, independent, { rng: createRng(0) }).pValue;
    assert.ok(pIndependent > 0.01, `independent samples: p ${pIndependent}`);
    const j = topKJaccardTest(a, independent, 0.2, { rng: createRng(0) });
    assert.ok(Math.abs(j.chance - 40 / (80 - 40 * 0.2) * 0.2) < 0.03, `chance Jaccard ${j.chance}`);
    assert.deepEqual(topKJaccardTest(a, noisy, 0.2, { rng: createRng(3) }), topKJaccardTest(a, noisy, 0.2, { rng: createRng(3) }));
  });
});

describe('bootstrapInterval', () => {
  test('the mean of a sample: interval around it, p near 0 for a positive mean, deterministic', () => {
    const x = randomSample(300, 11).map((v) => v + 1);
    const mean = (idx: Int32Array) => idx.reduce((s, i) => s + x[i], 0) / idx.length;
    const b = bootstrapInterval(300, mean, { resamples: 399, level: 0.99, rng: createRng(1) });
    const se = 1 / Math.sqrt(300);
    assert.ok(b.low < b.estimate && b.estimate < b.high);
    assert.ok(Math.abs(b.high - b.low - 2 * 2.576 * se) < 0.08, `width ${b.high - b.low}`);
    assert.equal(b.pValue, 0);
    assert.deepEqual(bootstrapInterval(300, mean, { resamples: 50, rng: createRng(2) }), bootstrapInterval(300, mean, { resamples: 50, rng: createRng(2) }));
  });
});
