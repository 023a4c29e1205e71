import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalSf } from '../../src/stats/correlation-tests';
import { normalQuantile, studentTQuantile } from '../../src/stats/distribution-quantiles';
import { studentTCdf } from '../../src/stats/student-t';
import { InputError } from '../../src/util/errors';

describe('studentTQuantile', () => {
  test('textbook values (t tables)', () => {
    assert.ok(Math.abs(studentTQuantile(0.975, 10) - 2.228139) < 1e-6);
    assert.ok(Math.abs(studentTQuantile(0.995, 7) - 3.499483) < 1e-6);
    assert.ok(Math.abs(studentTQuantile(0.975, 1) - 12.706205) < 1e-6);
    assert.ok(Math.abs(studentTQuantile(0.8, 8) - 0.888890) < 1e-5);
    assert.equal(studentTQuantile(0.5, 4), 0);
  });

  test('inverts studentTCdf, with symmetry', () => {
    for (const df of [1, 2, 5, 30, 1000]) {
      for (const p of [1e-6, 0.01, 0.3, 0.6, 0.995]) {
        const t = studentTQuantile(p, df);
        assert.ok(Math.abs(studentTCdf(t, df) - p) < 1e-12 * Math.max(1, 1 / p), `df ${df}, p ${p}: cdf(${t}) = ${studentTCdf(t, df)}`);
        assert.ok(Math.abs(studentTQuantile(1 - p, df) + t) < 1e-9 * Math.max(1, Math.abs(t)));
      }
    }
  });

  test('refuses a probability outside (0, 1) and df <= 0, naming the field', () => {
    assert.throws(() => studentTQuantile(1, 3), (e: unknown) => e instanceof InputError && /studentTQuantile: p/.test(e.message));
    assert.throws(() => studentTQuantile(0.5, 0), (e: unknown) => e instanceof InputError && /studentTQuantile: df/.test(e.message));
  });
});

describe('normalQuantile', () => {
  test('textbook values and the inverse of normalSf', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.995) - 2.575829) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.8) - 0.841621) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.025) + 1.959964) < 1e-6);
    for (const p of [1e-9, 0.1, 0.7]) assert.ok(Math.abs(normalSf(normalQuantile(p)) - (1 - p)) < 1e-12);
  });

  test('refuses a probability outside (0, 1)', () => {
    assert.throws(() => normalQuantile(0), (e: unknown) => e instanceof InputError && /normalQuantile: p/.test(e.message));
    assert.throws(() => normalQuantile(Number.NaN), InputError);
  });
});
