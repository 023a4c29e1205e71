import { check } from '../util/errors';
import type { Sample } from './describe';
import { spearman } from './rank-correlation';
import { studentTSf } from './student-t';

/** Upper tail P(Z > z) of the standard normal distribution (relative error below 1.2e-7, also in the far tail). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  // erfc(x) = t exp(-x^2 + P(t)) with t = 1 / (1 + x/2) (Numerical Recipes' Chebyshev fit), at x = |z| / sqrt 2.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return z >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}

/** What `spearmanTest` returns. */
export interface CorrelationTest {
  /** Spearman's rho. */
  readonly rho: number;
  readonly n: number;
  /** t = rho sqrt((n - 2) / (1 - rho^2)), about Student's t with n - 2 degrees of freedom under no association. */
  readonly t: number;
  /** One-sided p-value of rho > 0. */
  readonly pValue: number;
}

/**
 * Spearman's rank correlation of two equally long samples with the one-sided test of a
 * positive association (the t approximation, good for n above about 10).
 */
export function spearmanTest(a: Sample, b: Sample): CorrelationTest {
  check(a.length === b.length && a.length >= 4, 'stats/spearmanTest', 'two samples of equal length >= 4', `${a.length} and ${b.length}`);
  const rho = spearman(a, b);
  const n = a.length;
  const t = rho >= 1 ? Infinity : rho <= -1 ? -Infinity : rho * Math.sqrt((n - 2) / (1 - rho * rho));
  return { rho, n, t, pValue: studentTSf(t, n - 2) };
}

/**
 * One-sided test that correlation `r1` (of n1 independent pairs) exceeds `r2` (of n2 other
 * pairs): Fisher's z = (atanh r1 - atanh r2) / sqrt(1/(n1 - 3) + 1/(n2 - 3)), about
 * standard normal when both are equal. Returns z and P(Z > z).
 */
export function correlationDifference(r1: number, n1: number, r2: number, n2: number): { z: number; pValue: number } {
  check(n1 > 3 && n2 > 3, 'stats/correlationDifference', 'more than 3 pairs on each side', `${n1} and ${n2}`);
  const z = (Math.atanh(r1) - Math.atanh(r2)) / Math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3));
  return { z, pValue: normalSf(z) };
}
