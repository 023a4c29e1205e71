import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tTest, oneSampleTTest, defaultTTestOptions } from '../../src/stats/t-test';
import { InputError } from '../../src/util/errors';

function close(actual: number, expected: number, rel = 1e-10): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `expected ${expected}, got ${actual}`);
}

const a = [0.12, 0.35, -0.2, 0.51, 0.33, 0.07, 0.44, 0.29];
const b = [0.01, -0.15, 0.22, -0.3, 0.05, 0.11, -0.08, 0.02, -0.12, 0.09, 0.18];

// Reference: scipy.stats.ttest_ind / ttest_1samp (scipy 1.10).
describe('tTest', () => {
  test('Student (equal variance), each alternative', () => {
    const expected = { 'two-sided': 0.01575076571333859, greater: 0.007875382856669295, less: 0.9921246171433307 };
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const r = tTest(a, b, { equalVariance: true, alternative });
      close(r.statistic, 2.6821477601989727, 1e-12);
      assert.equal(r.df, 17);
      close(r.pValue, expected[alternative]);
    }
  });
  test('Welch (default), each alternative, Welch-Satterthwaite df', () => {
    const expected = { 'two-sided': 0.028018645052199448, greater: 0.014009322526099724, less: 0.9859906774739003 };
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const r = tTest(Float64Array.from(a), b, { alternative });
      close(r.statistic, 2.5148548126034513, 1e-12);
      close(r.df, 11.433515940723579, 1e-12);
      close(r.pValue, expected[alternative]);
    }
    assert.deepEqual(defaultTTestOptions, { equalVariance: false, alternative: 'two-sided' });
  });
  test('means, and swapping the samples flips the sign and the one-sided p-values', () => {
    const r = tTest(a, b, { alternative: 'greater' });
    const s = tTest(b, a, { alternative: 'less' });
    close(r.meanA, a.reduce((x, y) => x + y) / a.length, 1e-14);
    close(r.meanB, b.reduce((x, y) => x + y) / b.length, 1e-14);
    close(s.statistic, -r.statistic, 1e-14);
    close(s.pValue, r.pValue, 1e-14);
  });
  test('symmetric case: mirrored samples give t = 0, p = 1 (two-sided) and 0.5 (one-sided)', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [5, 4, 3, 2, 1];
    for (const equalVariance of [true, false]) {
      const r = tTest(x, y, { equalVariance });
      assert.equal(r.statistic, 0);
      close(r.pValue, 1, 1e-14);
      close(tTest(x, y, { equalVariance, alternative: 'greater' }).pValue, 0.5, 1e-14);
    }
  });
  test('Student equals Welch when sizes and variances are equal', () => {
    const x = [1, 3, 2, 6];
    const y = [4, 6, 5, 9].map((v) => v + 0.5);
    const s = tTest(x, y, { equalVariance: true });
    const w = tTest(x, y, { equalVariance: false });
    close(s.statistic, w.statistic, 1e-14);
    close(s.df, w.df, 1e-12);
    close(s.pValue, w.pValue, 1e-12);
  });
  test('zero variance: +-Infinity with p 0 / 1, NaN when means are equal', () => {
    const r = tTest([1, 1, 1], [2, 2, 2], { equalVariance: true });
    assert.equal(r.statistic, -Infinity);
    assert.equal(r.pValue, 0);
    assert.equal(tTest([1, 1, 1], [2, 2, 2], { alternative: 'greater' }).pValue, 1);
    assert.equal(tTest([1, 1, 1], [2, 2, 2], { alternative: 'less' }).pValue, 0);
    const n = tTest([1, 1], [1, 1, 1]);
    assert.ok(Number.isNaN(n.statistic) && Number.isNaN(n.pValue));
  });
  test('invalid input -> InputError naming what was wrong', () => {
    assert.throws(() => tTest([1], [1, 2]), (e: unknown) => e instanceof InputError && /a: expected at least 2 values, found 1/.test(e.message));
    assert.throws(() => tTest([1, 2], [1, Number.NaN]), (e: unknown) => e instanceof InputError && /b\[1\]/.test(e.message));
    assert.throws(() => tTest([1, 2], [1, 3], { alternative: 'bigger' as never }), InputError);
    assert.throws(() => tTest([1, 2], [1, 3], { equalVariance: 'yes' as never }), InputError);
  });
});

describe('oneSampleTTest', () => {
  test('matches scipy ttest_1samp for each alternative', () => {
    const expected = { 'two-sided': 0.13268528059559356, greater: 0.06634264029779678, less: 0.9336573597022032 };
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const r = oneSampleTTest(a, 0.1, { alternative });
      close(r.statistic, 1.7012618125253005, 1e-12);
      assert.equal(r.df, 7);
      close(r.pValue, expected[alternative]);
      assert.equal(r.meanB, 0.1);
    }
  });
  test('errors', () => {
    assert.throws(() => oneSampleTTest([2], 0), InputError);
    assert.throws(() => oneSampleTTest([2, 3], Number.NaN), InputError);
  });
});
