import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { scoringContrast } from '../../src/findings/scoring-contrast';
import { scoringOverlap } from '../../src/findings/scoring-overlap';
import { pairedComparison, sameShareAndSeed } from '../../src/findings/paired-comparison';
import { studentTTwoSided } from '../../src/stats/student-t';

/** Per scoring, kept share and seed one memorized and one random run; memorized = random + offset(scoring) + seed noise. */
function table(offsets: readonly number[], noise = (seed: number, kept: number) => 0.001 * (seed - 1) * (kept > 0.5 ? 1 : -1), withScoring = true) {
  const rows: Array<Record<string, unknown>> = [];
  offsets.forEach((offset, scoring) => {
    for (const kept of [0.8, 0.4]) {
      for (const seed of [0, 1, 2]) {
        const base = 0.7 + 0.01 * seed + 0.1 * kept;
        const s = withScoring ? { scoring } : {};
        rows.push({ condition: 'memorized', kept, size: 100 * kept, seed, ...s, knn: base + offset + noise(seed, kept) });
        rows.push({ condition: 'random', kept, size: 100 * kept, seed, ...s, knn: base });
      }
    }
  });
  return aq.from(rows);
}

describe('the scoring as the unit of a subset study', () => {
  test('per scoring the mean over seeds and shares, then a one-sample t-test across scorings (against a naive computation)', () => {
    const offsets = [0.02, 0.01, 0.015, 0.005];
    const c = scoringContrast(table(offsets), 'knn', { higher: 'memorized', lower: 'random' });
    assert.equal(c.scorings, 4);
    c.perScoring.forEach((s, i) => {
      assert.equal(s.pairs, 6);
      assert.ok(Math.abs(s.mean - offsets[i]) < 1e-12, `scoring ${i}: ${s.mean}`);
      assert.deepEqual(s.byShare.map((b) => b.kept), [0.8, 0.4]);
    });
    const mean = offsets.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(offsets.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    const t = mean / (sd / 2);
    assert.ok(Math.abs(c.mean - mean) < 1e-12);
    assert.ok(Math.abs(c.sd - sd) < 1e-12);
    assert.ok(Math.abs(c.statistic - t) < 1e-9);
    assert.equal(c.df, 3);
    assert.ok(Math.abs(c.pTwoSided - studentTTwoSided(t, 3)) < 1e-12);
    assert.ok(Math.abs(c.pOneSided - c.pTwoSided / 2) < 1e-12, 'one-sided in the direction of a positive mean: half the two-sided p');
    assert.equal(c.wins, 4);
    assert.equal(c.holds, true);
    assert.ok(Number.isInteger(c.scoringsNeeded) && c.scoringsNeeded >= 2, String(c.scoringsNeeded));
    assert.match(c.sentence, /^knn: memorized - random \+1\.25 points averaged within each of 4 scorings \(per scoring \+2\.00, \+1\.00, \+1\.50, \+0\.50; 4 of 4 in favour\), across scorings two-sided p = 0\.0\d\d, one-sided p = 0\.0\d\d; about \d+ scorings would reach two-sided p < 0\.01 with power 0\.8$/);
    assert.deepEqual(c.perShare.map((s) => s.kept), [0.8, 0.4]);
    assert.ok(c.perShare.every((s) => s.df === 3 && s.pTwoSided > 0 && s.pTwoSided < 1));
  });

  test('one subset that wins in every seed is significant over seeds but not across scorings', () => {
    const t = table([0.02, 0, -0.001, 0.001]);
    const c = scoringContrast(t, 'knn', { higher: 'memorized', lower: 'random' });
    const overSeeds = pairedComparison(t, 'knn', (r) => r.condition === 'memorized', (r) => r.condition === 'random', sameShareAndSeed);
    assert.equal(overSeeds.n, 24, 'the pair key keeps the scorings apart');
    assert.ok(overSeeds.pValue < 0.05, `pooled over seeds p ${overSeeds.pValue}`);
    const first = pairedComparison(t.filter((d: { scoring: number }) => d.scoring === 0), 'knn', (r) => r.condition === 'memorized', (r) => r.condition === 'random', sameShareAndSeed);
    assert.ok(first.pValue < 0.001, 'one scoring alone: a tiny p over seeds');
    assert.ok(c.pOneSided > 0.1, `across scorings p ${c.pOneSided}`);
    assert.equal(c.holds, false);
    assert.match(c.sentence, /\(not significant\)/);
  });

  test('with one scoring it says the difference belongs to one subset, and gives no p', () => {
    const c = scoringContrast(table([0.02], undefined, false), 'knn', { higher: 'memorized', lower: 'random' });
    assert.equal(c.scorings, 1);
    assert.ok(Number.isNaN(c.pTwoSided) && Number.isNaN(c.pOneSided) && Number.isNaN(c.scoringsNeeded));
    assert.equal(c.holds, false);
    assert.equal(c.sentence, "knn: memorized - random +2.00 points over 6 pairs of one scoring: the difference belongs to that scoring's subset and cannot be tested as a rule (one scoring, no p across scorings)");
  });

  test('a claim in the other direction: one-sided p near 1, two-sided small', () => {
    const c = scoringContrast(table([-0.02, -0.01, -0.015]), 'knn', { higher: 'memorized', lower: 'random' });
    assert.ok(c.pTwoSided < 0.05);
    assert.ok(c.pOneSided > 0.95);
    assert.equal(c.holds, false);
    assert.equal(c.wins, 0);
    assert.match(c.sentence, /; the difference is against the claim \(about \d+ scorings would reach two-sided p < 0\.01 with power 0\.8 for it\)$/);
  });

  test('bad input is named', () => {
    assert.throws(() => scoringContrast(table([0.01]), 'probe', { higher: 'memorized', lower: 'random' }), /scoringContrast table \(task probe\): expected a column probe/);
  });
});

describe('overlap of independent scorings', () => {
  const ids = Array.from({ length: 10 }, (_, i) => i);
  const a = aq.table({ id: ids, score_raw: ids.map((i) => i) });
  const b = aq.table({ id: ids, score_raw: ids.map((i) => (i === 9 ? -1 : i)) });
  const c = aq.table({ id: ids, score_raw: ids.map((i) => -i) });

  test('mean pairwise Jaccard of the most memorized subsets, beside chance', () => {
    const [one] = scoringOverlap([a, a], [4]);
    assert.equal(one.jaccard, 1, 'the same scores pick the same points');
    const [two] = scoringOverlap([a, b], [4]);
    assert.equal(two.jaccard, 3 / 5, '{6,7,8,9} and {5,6,7,8}');
    const [three] = scoringOverlap([a, b, c], [4]);
    assert.equal(three.pairs, 3);
    assert.ok(Math.abs(three.jaccard - (3 / 5 + 0 + 0) / 3) < 1e-12);
    assert.equal(three.min, 0);
    assert.equal(three.chance, 4 / 16);
    assert.ok(Number.isNaN(scoringOverlap([a], [4])[0].jaccard), 'one scoring: nothing to compare');
    assert.throws(() => scoringOverlap([a, aq.table({ id: [1], score_raw: [0] })], [1]), /scoringOverlap scorings\[1\]: expected 10 scored points/);
  });
});
