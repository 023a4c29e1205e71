import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { compareSets, scoreStatistics } from '../../src/measure/summarize-scores';
import { tTest } from '../../src/stats/t-test';

// A hand-made scores table: S_C = [1, 2, 3, 6], S_S = [0, 1, 1, 2, 1], S_I = [-1, 0], S_E = [5].
const values: Record<string, number[]> = { S_C: [1, 2, 3, 6], S_S: [0, 1, 1, 2, 1], S_I: [-1, 0], S_E: [5] };
const rows = Object.entries(values).flatMap(([set, xs]) => xs.map((x, i) => ({ id: i, set, score_raw: x, score_range: x / 10, score_ratio: -x })));
const table = aq.from([...rows].reverse());

const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('scoreStatistics', () => {
  test('per-set n, mean, sample std, median, q90, max computed by hand, in report order', () => {
    const stats = scoreStatistics(table, 'score_raw').objects() as Array<Record<string, number | string>>;
    assert.deepEqual(stats.map((r) => r.set), ['S_C', 'S_S', 'S_I', 'S_E']);
    const c = stats[0];
    assert.equal(c.n, 4);
    close(c.mean as number, 3, 'mean');
    // deviations -2, -1, 0, 3 -> sum of squares 14, sample variance 14 / 3
    close(c.std as number, Math.sqrt(14 / 3), 'std');
    close(c.median as number, 2.5, 'median');
    // sorted 1 2 3 6, position 0.9 * 3 = 2.7 -> 3 + 0.7 * 3
    close(c.q90 as number, 5.1, 'q90');
    assert.equal(c.max, 6);
    const s = stats[1];
    close(s.mean as number, 1, 'S_S mean');
    close(s.std as number, Math.sqrt(2 / 4), 'S_S std');
    assert.equal(stats[3].n, 1);
    assert.ok(Number.isNaN(stats[3].std as number), 'one point: std NaN');
  });

  test('uses the chosen column (default score_ratio)', () => {
    const ratio = scoreStatistics(table).objects() as Array<Record<string, number>>;
    close(ratio[0].mean, -3, 'ratio mean');
    const range = scoreStatistics(table, 'score_range').objects() as Array<Record<string, number>>;
    close(range[0].mean, 0.3, 'range mean');
  });
});

describe('compareSets', () => {
  test('Welch and Student, one- and two-sided, equal to tTest and to the formula', () => {
    const result = compareSets(table, 'score_raw').objects() as Array<Record<string, number | string>>;
    // S_C vs S_E and S_S vs S_E are left out: S_E has one point.
    assert.deepEqual([...new Set(result.map((r) => `${r.a}-${r.b}`))], ['S_C-S_S', 'S_C-S_I']);
    assert.equal(result.length, 8);
    for (const r of result) {
      const expected = tTest(values[r.a as string], values[r.b as string], { equalVariance: r.test === 'student', alternative: r.alternative as 'greater' | 'two-sided' });
      close(r.statistic as number, expected.statistic, 'statistic');
      close(r.df as number, expected.df, 'df');
      close(r.p_value as number, expected.pValue, 'p');
      close(r.mean_a as number, expected.meanA, 'mean a');
      close(r.mean_b as number, expected.meanB, 'mean b');
    }
    // Welch by hand for S_C vs S_S: var_C = 14/3 (n 4), var_S = 0.5 (n 5).
    const se2 = 14 / 3 / 4 + 0.5 / 5;
    const t = (3 - 1) / Math.sqrt(se2);
    const df = se2 ** 2 / ((14 / 3 / 4) ** 2 / 3 + (0.5 / 5) ** 2 / 4);
    const welch = result.find((r) => r.a === 'S_C' && r.b === 'S_S' && r.test === 'welch' && r.alternative === 'greater')!;
    close(welch.statistic as number, t, 'welch t', 1e-12);
    close(welch.df as number, df, 'welch df', 1e-9);
    const twoSided = result.find((r) => r.a === 'S_C' && r.b === 'S_S' && r.test === 'welch' && r.alternative === 'two-sided')!;
    close(twoSided.p_value as number, 2 * (welch.p_value as number), 'two-sided = 2 x one-sided for t > 0', 1e-12);
    // Student by hand: pooled variance (14 + 2) / 7.
    const student = result.find((r) => r.a === 'S_C' && r.b === 'S_S' && r.test === 'student' && r.alternative === 'greater')!;
    close(student.statistic as number, 2 / Math.sqrt((16 / 7) * (1 / 4 + 1 / 5)), 'student t');
    assert.equal(student.df, 7);
  });

  test('custom pairs, and missing sets are skipped', () => {
    const only = compareSets(table.filter((d: { set: string }) => d.set !== 'S_I'), 'score_raw', [['S_I', 'S_C'], ['S_S', 'S_C']]).objects() as Array<Record<string, string>>;
    assert.deepEqual([...new Set(only.map((r) => `${r.a}-${r.b}`))], ['S_S-S_C']);
  });
});
