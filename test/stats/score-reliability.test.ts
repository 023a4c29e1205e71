import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pearson } from '../../src/stats/rank-correlation';
import { measurementsFor, scoreReliability, spearmanBrown } from '../../src/stats/score-reliability';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

/**
 * Scores of n points from k seeds: a true score per point (sd `signal`, plus a class offset
 * `classOffset * label`) and independent noise per seed (sd `noise`). The correlation of two
 * seeds is then var(true) / (var(true) + noise^2).
 */
function synthetic(n: number, k: number, options: { signal: number; noise: number; classOffset?: number; seed?: number }) {
  const rng = createRng(options.seed ?? 1);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const truth = Float64Array.from({ length: n }, (_, i) => options.signal * rng.normal() + (options.classOffset ?? 0) * labels[i]);
  const perSeed = Array.from({ length: k }, () => Float64Array.from(truth, (t) => t + options.noise * rng.normal()));
  return { labels, perSeed };
}

describe('scoreReliability', () => {
  test('recovers a known between-seed correlation and its Spearman-Brown reliability', () => {
    const { perSeed } = synthetic(4000, 3, { signal: 1, noise: 1 });
    const r = scoreReliability(perSeed, { bootstrap: 200 });
    assert.ok(Math.abs(r.pearson - 0.5) < 0.03, `pearson ${r.pearson}, expected 0.5`);
    assert.ok(Math.abs(r.reliability - 0.75) < 0.03, `reliability ${r.reliability}, expected 0.75`);
    assert.ok(r.interval !== undefined && r.interval[0] < 0.75 && r.interval[1] > 0.75, `interval ${r.interval} covers 0.75`);
    assert.ok(r.interval[1] - r.interval[0] < 0.06, 'a tight interval for 4000 points');
    assert.ok(r.seedsNeeded === 4 || r.seedsNeeded === 5, `0.8 needs about 4 seeds when r = 0.5, found ${r.seedsNeeded}`);
    assert.equal(r.seeds, 3);
    assert.equal(r.points, 4000);
  });

  test('a weak signal: r = var_true / (var_true + var_noise), and the K-seed mean agrees with another K seeds as Spearman-Brown says', () => {
    // var_true 0.25, var_noise 1: r = 0.2; the mean of 4 seeds has reliability 0.8 / 1.6 = 0.5.
    const { perSeed } = synthetic(6000, 8, { signal: 0.5, noise: 1, seed: 5 });
    const first = perSeed.slice(0, 4);
    const r = scoreReliability(first, { bootstrap: 200, seed: 3 });
    assert.ok(Math.abs(r.pearson - 0.2) < 0.02, `pearson ${r.pearson}, expected 0.2`);
    assert.ok(Math.abs(r.reliability - 0.5) < 0.03, `reliability ${r.reliability}, expected 0.5`);
    assert.ok(r.interval !== undefined && r.interval[0] < 0.5 && r.interval[1] > 0.5, `interval ${r.interval} covers 0.5`);
    // 0.8 needs (0.8 / 0.2) * (0.8 / 0.2) = 16 seeds at r = 0.2; 15 to 19 for r within 0.02 of it.
    assert.ok(r.seedsNeeded >= 15 && r.seedsNeeded <= 19, `seeds needed ${r.seedsNeeded}, expected about 16`);
    const meanOf = (columns: Float64Array[]) => Float64Array.from(columns[0], (_, i) => columns.reduce((s, c) => s + c[i], 0) / columns.length);
    const replication = pearson(meanOf(first), meanOf(perSeed.slice(4)));
    assert.ok(Math.abs(replication - r.reliability) < 0.04, `the 4-seed mean correlates ${replication} with another 4-seed mean; reliability said ${r.reliability}`);
  });

  test('noise only: reliability near 0, seeds needed unbounded or huge', () => {
    const { perSeed } = synthetic(3000, 3, { signal: 0, noise: 1 });
    const r = scoreReliability(perSeed, { bootstrap: 0 });
    assert.ok(Math.abs(r.reliability) < 0.1, `reliability ${r.reliability}`);
    assert.equal(r.interval, undefined);
    assert.ok(r.seedsNeeded > 100, `seeds needed ${r.seedsNeeded}`);
  });

  test('class: the share of variance it explains and the correlation within classes', () => {
    const { perSeed, labels } = synthetic(4000, 2, { signal: 0.5, noise: 1, classOffset: 1 });
    const r = scoreReliability(perSeed, { labels, bootstrap: 0 });
    // Class variance 1.25 (offsets 0..3), point variance 0.25, noise 1: the overall
    // correlation is 1.5 / 2.5 = 0.6, within classes 0.25 / 1.25 = 0.2; the class explains
    // 1.25 / (1.5 + 1/2) of the 2-seed mean's variance.
    assert.ok(Math.abs(r.pearson - 0.6) < 0.04, `pearson ${r.pearson}`);
    assert.ok(Math.abs(r.withinClass! - 0.2) < 0.04, `within class ${r.withinClass}`);
    assert.ok(Math.abs(r.classShare! - 1.25 / 2) < 0.04, `class share ${r.classShare}`);
    // Within a class the two seeds are bivariate normal with rho 0.2: Spearman (6 / pi) asin(rho / 2).
    const expected = (6 / Math.PI) * Math.asin(0.1);
    assert.ok(Math.abs(r.withinClassSpearman! - expected) < 0.04, `within-class Spearman ${r.withinClassSpearman}, expected ${expected}`);
    assert.ok(r.spearman > r.withinClassSpearman! + 0.2, 'the class offsets make the overall ranks agree more than those within a class');
  });

  test('the same seed, the same interval', () => {
    const { perSeed } = synthetic(300, 3, { signal: 1, noise: 2 });
    assert.deepEqual(scoreReliability(perSeed, { seed: 7, bootstrap: 100 }).interval, scoreReliability(perSeed, { seed: 7, bootstrap: 100 }).interval);
  });

  test('refuses what it cannot measure, naming where', () => {
    const bad = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message));
    bad(() => scoreReliability([[1, 2, 3]]), /perSeed.*at least 2/);
    bad(() => scoreReliability([[1, 2, 3], [1, 2]]), /perSeed\[1\]/);
    bad(() => scoreReliability([[1, 2, 3], [1, NaN, 3]]), /perSeed\[1\]\[1\].*a finite number/);
    bad(() => scoreReliability([[1, 2, 3], [1, 2, 4]], { labels: [0, 1] }), /options\.labels/);
    bad(() => scoreReliability([[1, 2, 3], [1, 2, 4]], { target: 1 }), /options\.target/);
  });

  test('Spearman-Brown and its inverse', () => {
    assert.equal(spearmanBrown(0.5, 1), 0.5);
    assert.ok(Math.abs(spearmanBrown(0.1, 3) - 0.3 / 1.2) < 1e-12);
    assert.equal(measurementsFor(0.1, 0.8), 36);
    assert.ok(spearmanBrown(0.1, measurementsFor(0.1, 0.8)) >= 0.8);
    assert.ok(spearmanBrown(0.1, measurementsFor(0.1, 0.8) - 1) < 0.8);
    assert.equal(measurementsFor(0, 0.8), Infinity);
    assert.equal(measurementsFor(0.9, 0.8), 1);
  });
});
