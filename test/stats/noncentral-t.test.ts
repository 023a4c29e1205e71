import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { studentTQuantile } from '../../src/stats/distribution-quantiles';
import { noncentralTCdf, noncentralTSf } from '../../src/stats/noncentral-t';
import { studentTSf } from '../../src/stats/student-t';
import { oneSampleTTest } from '../../src/stats/t-test';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

describe('noncentral t', () => {
  test('noncentrality 0 is Student t', () => {
    for (const df of [1, 2, 3, 7, 30, 1000, 10000]) {
      for (const t of [-3, 0, 0.5, 2.5, 10]) {
        assert.ok(Math.abs(noncentralTSf(t, df, 0) - studentTSf(t, df)) < 1e-7, `df ${df}, t ${t}: ${noncentralTSf(t, df, 0)} vs ${studentTSf(t, df)}`);
      }
    }
  });

  test('the two tails add to 1, and a mirrored noncentrality mirrors the tails', () => {
    for (const [t, df, ncp] of [[1, 4, 2], [-2, 9, 0.5], [6, 3, 5]] as const) {
      assert.ok(Math.abs(noncentralTSf(t, df, ncp) + noncentralTCdf(t, df, ncp) - 1) < 1e-7);
      assert.ok(Math.abs(noncentralTSf(t, df, ncp) - noncentralTCdf(-t, df, -ncp)) < 1e-9);
    }
    assert.equal(noncentralTSf(Infinity, 3, 1), 0);
    assert.equal(noncentralTCdf(-Infinity, 3, 1), 0);
  });

  test('is the power of the one-sample t-test (Monte Carlo with the repository t-test, small n included)', () => {
    const rng = createRng(11);
    for (const [n, effect] of [[4, 2.5], [9, 1.5]] as const) {
      const critical = studentTQuantile(0.995, n - 1);
      const ncp = Math.sqrt(n) * effect;
      const expected = noncentralTSf(critical, n - 1, ncp) + noncentralTCdf(-critical, n - 1, ncp);
      const sims = 6000;
      let hits = 0;
      for (let s = 0; s < sims; s++) {
        const x = Float64Array.from({ length: n }, () => effect + rng.normal());
        if (oneSampleTTest(x).pValue < 0.01) hits++;
      }
      // 6000 draws: the standard error of an empirical power near 0.5 is 0.0065.
      assert.ok(Math.abs(hits / sims - expected) < 0.02, `n ${n}, effect ${effect}: simulated ${hits / sims}, noncentral t ${expected}`);
    }
  });

  test('refuses df below 1 and a non-finite noncentrality', () => {
    assert.throws(() => noncentralTSf(1, 0.5, 0), (e: unknown) => e instanceof InputError && /noncentralTSf: df/.test(e.message));
    assert.throws(() => noncentralTCdf(1, 3, Number.NaN), (e: unknown) => e instanceof InputError && /noncentralTCdf: ncp/.test(e.message));
  });
});
