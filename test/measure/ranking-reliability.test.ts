import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rankingReliability } from '../../src/measure/ranking-reliability';
import { scoreTable } from '../../src/measure/score-table';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

/**
 * A score table of `n` candidates and `n` other points from `k` seeds: each candidate has a
 * true score (sd 1) that every seed's g - f carries, plus independent noise in f and in g
 * (sd `noise` each); the other points carry noise only.
 */
function table(n: number, k: number, noise: number) {
  const rng = createRng(11);
  const truth = Float64Array.from({ length: 2 * n }, (_, i) => (i < n ? rng.normal() : 0));
  const perF = Array.from({ length: k }, () => Float32Array.from(truth, () => 1 + noise * rng.normal()));
  const perG = Array.from({ length: k }, () => Float32Array.from(truth, (t) => 1 + t + noise * rng.normal()));
  return scoreTable(
    {
      id: Array.from({ length: 2 * n }, (_, i) => i),
      set: Array.from({ length: 2 * n }, (_, i) => (i < n ? 'S_C' : 'S_E')),
      label: Array.from({ length: 2 * n }, (_, i) => i % 10),
      perF,
      perG,
    },
    { seeds: Array.from({ length: k }, (_, s) => 10 + s) },
  );
}

describe('rankingReliability', () => {
  test('recovers the reliability of the candidates\' ranking from the per-seed columns of a score table', () => {
    // Candidates: var_true 1, per-seed noise 2 * 0.5^2 = 0.5: r = 1 / 1.5 = 2/3, 3 seeds: 3r / (1 + 2r) = 6/7.
    const t = table(3000, 3, 0.5);
    const r = rankingReliability(t, { sets: ['S_C'], bootstrap: 100 });
    assert.deepEqual(r.seedList, [10, 11, 12]);
    assert.deepEqual(r.sets, ['S_C']);
    assert.equal(r.points, 3000);
    assert.ok(Math.abs(r.pearson - 2 / 3) < 0.03, `pearson ${r.pearson}, expected 2/3`);
    assert.ok(Math.abs(r.reliability - 6 / 7) < 0.02, `reliability ${r.reliability}, expected 6/7`);
    assert.ok(r.classShare! < 0.02, `labels carry no score: class share ${r.classShare}`);
    // The other points are noise only: their ranking is not reliable at all.
    assert.ok(Math.abs(rankingReliability(t, { sets: ['S_E'], bootstrap: 0 }).reliability) < 0.1);
    assert.equal(rankingReliability(t, { bootstrap: 0 }).points, 6000);
  });

  test('needs 2 or more seeds\' per-seed scores and 3 points, and says so', () => {
    const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message));
    refused(() => rankingReliability(table(10, 1, 0.5)), /rankingReliability: table: expected a score table with the per-seed raw scores.*found the scores of 1 seed \(10\)/);
    refused(() => rankingReliability(table(10, 2, 0.5).select('id', 'set', 'label', 'score_raw')), /found no per-seed columns/);
    refused(() => rankingReliability(table(10, 2, 0.5), { sets: ['S_I'] }), /options.sets: expected 3 or more points/);
  });
});
