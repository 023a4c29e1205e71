import { test, describe as group } from 'node:test';
import assert from 'node:assert/strict';
import { mean, variance, std, quantile, quantiles, median, describe } from '../../src/stats/describe';
import { oneWayAnova } from '../../src/stats/anova';
import { tTest } from '../../src/stats/t-test';
import { InputError } from '../../src/util/errors';

function close(actual: number, expected: number, rel = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-300, `expected ${expected}, got ${actual}`);
}

group('descriptive statistics', () => {
  const sample = [3, 1, 4, 1, 5, 9, 2, 6];
  test('mean, variance, std against a naive loop and numpy', () => {
    close(mean(sample), 31 / 8);
    let ss = 0;
    for (const v of sample) ss += (v - 31 / 8) ** 2;
    close(variance(sample), ss / 7);
    close(variance(sample, 0), ss / 8);
    close(std([0.12, 0.35, -0.2, 0.51, 0.33, 0.07, 0.44, 0.29]), 0.23067834748844546);
    close(mean(Float32Array.of(1, 2, 4)), 7 / 3);
    assert.ok(Number.isNaN(std([5])));
    // Large offset: the two-pass formula keeps the variance exact.
    close(variance([1e9 + 1, 1e9 + 2, 1e9 + 3]), 1);
  });
  test('quantiles match numpy (linear interpolation)', () => {
    const q = quantiles(sample, [0, 0.1, 0.25, 0.5, 0.9, 1]);
    const expected = [1, 1, 1.75, 3.5, 6.8999999999999995, 9];
    q.forEach((v, i) => close(v, expected[i]));
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(quantile([7], 0.3), 7);
    // Input is not reordered.
    assert.deepEqual(sample, [3, 1, 4, 1, 5, 9, 2, 6]);
  });
  test('describe', () => {
    const d = describe(sample);
    assert.equal(d.count, 8);
    assert.equal(d.min, 1);
    assert.equal(d.max, 9);
    close(d.median, 3.5);
    close(d.q25, 1.75);
    close(d.q75, 5.25);
    close(d.std, std(sample));
  });
  test('bad input -> InputError', () => {
    assert.throws(() => mean([]), InputError);
    assert.throws(() => quantile([1, 2], 1.5), (e: unknown) => e instanceof InputError && /q\[0\]/.test(e.message));
    assert.throws(() => quantile([1, Number.NaN], 0.5), (e: unknown) => e instanceof InputError && /index 1/.test(e.message));
    assert.throws(() => describe([]), InputError);
  });
});

group('oneWayAnova', () => {
  test('matches scipy f_oneway', () => {
    const r = oneWayAnova([[1.0, 2.1, 2.9, 4.2], [2.2, 3.5, 4.1], [5.0, 6.3, 5.4, 7.1, 6.0]]);
    close(r.statistic, 13.047387038643784, 1e-12);
    close(r.pValue, 0.0021902831546788694, 1e-10);
    assert.equal(r.dfBetween, 2);
    assert.equal(r.dfWithin, 9);
  });
  test('two groups: F = t^2 of Student test', () => {
    const x = [1, 2.5, 3, 4.2];
    const y = [2, 4.1, 5.5, 4.4, 6];
    const t = tTest(x, y, { equalVariance: true });
    const f = oneWayAnova([x, y]);
    close(f.statistic, t.statistic ** 2, 1e-12);
    close(f.pValue, t.pValue, 1e-11);
  });
  test('errors', () => {
    assert.throws(() => oneWayAnova([[1, 2]]), InputError);
    assert.throws(() => oneWayAnova([[1, 2], []]), InputError);
    assert.throws(() => oneWayAnova([[1], [2]]), InputError);
    assert.throws(() => oneWayAnova([[1, 2], [2, Infinity]]), InputError);
  });
});
