import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { logGamma, logBeta } from '../../src/stats/log-gamma';
import { regularizedIncompleteBeta, regularizedIncompleteBetaComplement } from '../../src/stats/incomplete-beta';
import { studentTSf, studentTCdf, studentTTwoSided } from '../../src/stats/student-t';
import { fSf } from '../../src/stats/f-distribution';
import { correlationDifference, normalSf, spearmanTest } from '../../src/stats/correlation-tests';

/** Asserts |actual - expected| <= rel * |expected| (+ a tiny absolute floor). */
function close(actual: number, expected: number, rel = 1e-10, abs = 1e-300): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + abs, `expected ${expected}, got ${actual}`);
}

// Reference values: scipy 1.10 (special.gammaln, betaln, betainc; stats.t.sf, stats.f.sf).
describe('logGamma / logBeta', () => {
  test('match scipy gammaln', () => {
    const cases: Array<[number, number]> = [
      [0.1, 2.252712651734206], [0.5, 0.5723649429247], [1.5, -0.12078223763524526], [3.7, 1.428072326665388],
      [9.99, 12.779315214350195], [10, 12.801827480081469], [25.5, 56.38916764371994], [1000, 5905.220423209181],
      [1e6, 12815504.569147611],
    ];
    for (const [z, v] of cases) close(logGamma(z), v, 1e-13);
    assert.ok(Math.abs(logGamma(1)) < 1e-14);
    assert.ok(Math.abs(logGamma(2)) < 1e-14);
    close(logGamma(6), Math.log(120), 1e-14);
    assert.ok(Number.isNaN(logGamma(0)) && Number.isNaN(logGamma(-1)));
  });
  test('match scipy betaln, also for one huge argument', () => {
    close(logBeta(5000, 0.5), -3.6862066527828574, 1e-12);
    close(logBeta(0.5, 5000), -3.6862066527828574, 1e-12);
    close(logBeta(0.5, 0.5), Math.log(Math.PI), 1e-14);
    close(logBeta(12, 30), -25.27486496841981, 1e-13);
    close(logBeta(1e5, 2.5), -28.497649541823193, 1e-12);
  });
});

describe('regularizedIncompleteBeta', () => {
  test('matches scipy betainc (both branches of the continued fraction)', () => {
    const cases: Array<[number, number, number, number]> = [
      [0.3, 2.5, 3.5, 0.2967529892956661],
      [0.9, 0.5, 0.5, 0.7951672353008662],
      [0.5, 0.001, 2, 0.9998067465369479],
      [1e-5, 0.5, 100, 0.035626150218479605],
      [0.2, 30, 10, 3.29030376973146e-14],
      [0.999, 5000, 0.5, 0.0015615791602887161],
      [0.9995, 5000, 0.5, 0.025332672657788328],
      [0.05, 200, 300, 4.473094421204309e-123],
      [0.45, 200, 300, 0.9881463456202636],
      [0.1, 2, 50, 0.9690773487560793],
    ];
    for (const [x, a, b, v] of cases) close(regularizedIncompleteBeta(x, a, b), v, 1e-10);
  });
  test('closed forms: I_x(a, 1) = x^a, I_x(1, b) = 1 - (1-x)^b, symmetry', () => {
    for (const x of [0.01, 0.3, 0.77, 0.999]) {
      close(regularizedIncompleteBeta(x, 3.5, 1), x ** 3.5, 1e-13);
      close(regularizedIncompleteBeta(x, 1, 2.5), 1 - (1 - x) ** 2.5, 1e-13);
      close(regularizedIncompleteBeta(x, 2, 7) + regularizedIncompleteBeta(1 - x, 7, 2), 1, 1e-14);
    }
  });
  test('upper tail computed directly', () => {
    close(regularizedIncompleteBetaComplement(0.45, 200, 300), 0.011853654379736036, 1e-10);
    close(regularizedIncompleteBetaComplement(0.1, 2, 50), 0.03092265124392069, 1e-10);
  });
  test('edges and domain', () => {
    assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
    assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
    assert.ok(Number.isNaN(regularizedIncompleteBeta(1.5, 2, 3)));
    assert.ok(Number.isNaN(regularizedIncompleteBeta(0.5, 0, 3)));
    assert.ok(Number.isNaN(regularizedIncompleteBeta(Number.NaN, 1, 3)));
  });
});

describe('Student t and F tails', () => {
  test('t = 2, df = 10: two-sided p = 0.07338803477', () => {
    close(studentTTwoSided(2, 10), 0.07338803477074039, 1e-12);
    close(studentTTwoSided(-2, 10), 0.07338803477074039, 1e-12);
    close(2 * studentTSf(2, 10), 0.07338803477074039, 1e-12);
  });
  test('upper tails match scipy t.sf, including deep tails and large df', () => {
    const cases: Array<[number, number, number]> = [
      [2.0, 10, 0.036694017385370196], [-1.3, 4.5, 0.871901956027983], [8.0, 30, 3.132911237850386e-9],
      [40.0, 3, 1.719034039457927e-5], [0, 7, 0.5], [3.0, 1, 0.10241638234956672], [2.5, 1e4, 0.006217609775291848],
      [1e-8, 5, 0.4999999962039331],
    ];
    for (const [t, df, v] of cases) close(studentTSf(t, df), v, 1e-10);
  });
  test('df = 1 is Cauchy, symmetry cdf(t) = sf(-t)', () => {
    for (const t of [-5, -0.3, 0.7, 12]) {
      close(studentTSf(t, 1), 0.5 - Math.atan(t) / Math.PI, 1e-13);
      close(studentTCdf(t, 3.3) + studentTSf(t, 3.3), 1, 1e-14);
      close(studentTCdf(-t, 3.3), studentTSf(t, 3.3), 1e-14);
    }
    assert.equal(studentTSf(Infinity, 4), 0);
    assert.equal(studentTSf(-Infinity, 4), 1);
    assert.ok(Number.isNaN(studentTSf(1, 0)));
  });
  test('F upper tails match scipy f.sf', () => {
    close(fSf(3.2, 2, 27), 0.05660222640850086, 1e-10);
    close(fSf(0.5, 4, 10), 0.736775548696845, 1e-10);
    close(fSf(50, 3, 100), 7.944424679087594e-20, 1e-9);
    // F(1, d) is t(d)^2.
    close(fSf(2.3 ** 2, 1, 9), studentTTwoSided(2.3, 9), 1e-13);
    assert.equal(fSf(0, 2, 3), 1);
    assert.equal(fSf(Infinity, 2, 3), 0);
  });
});

describe('correlation tests', () => {
  test('normalSf against known values, deep tails included', () => {
    const cases: Array<[number, number]> = [[0, 0.5], [1, 0.15865525393145707], [1.959963984540054, 0.025], [-1, 0.8413447460685429], [5, 2.866515718791939e-7], [8, 6.22096057427178e-16]];
    for (const [z, p] of cases) assert.ok(Math.abs(normalSf(z) - p) <= 2e-7 * p, `z=${z}: ${normalSf(z)} vs ${p}`);
  });

  test('spearmanTest: monotone data give rho 1, reversed -1, the t statistic and p follow', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(spearmanTest(x, x.map((v) => v ** 3)).rho, 1);
    assert.equal(spearmanTest(x, x.map((v) => -v)).pValue, 1);
    const r = spearmanTest(x, [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]);
    const expectedRho = 1 - (6 * 10) / (10 * 99); // every pair swapped: sum d^2 = 10
    assert.ok(Math.abs(r.rho - expectedRho) < 1e-12);
    assert.ok(Math.abs(r.t - expectedRho * Math.sqrt(8 / (1 - expectedRho ** 2))) < 1e-9);
    assert.ok(r.pValue > 0 && r.pValue < 1e-4);
  });

  test('correlationDifference: equal correlations give z 0 and p 0.5; larger first one, small p', () => {
    const same = correlationDifference(0.3, 100, 0.3, 100);
    assert.equal(same.z, 0);
    assert.ok(Math.abs(same.pValue - 0.5) < 1e-7);
    const d = correlationDifference(0.3, 500, 0, 500);
    assert.ok(Math.abs(d.z - Math.atanh(0.3) / Math.sqrt(2 / 497)) < 1e-12);
    assert.ok(d.pValue < 1e-5);
  });
});
