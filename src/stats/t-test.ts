import { check, InputError } from '../util/errors';
import type { Sample } from './describe';
import { studentTSf, studentTTwoSided } from './student-t';

/** Which alternative hypothesis a t-test measures evidence for. */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Options of `tTest`. */
export interface TTestOptions {
  /**
   * `true`: Student's test with pooled variance, df = nA + nB - 2. `false` (default):
   * Welch's test with the Welch-Satterthwaite df, which does not assume equal variances.
   */
  equalVariance: boolean;
  /**
   * `'two-sided'` (default): mean A != mean B; `'greater'`: mean A > mean B;
   * `'less'`: mean A < mean B (for `oneSampleTTest`, compared with `mu`).
   */
  alternative: Alternative;
}

/** Defaults of `tTest`: Welch, two-sided. */
export const defaultTTestOptions: TTestOptions = { equalVariance: false, alternative: 'two-sided' };

/** Result of a t-test. */
export interface TTestResult {
  /** The t statistic, (meanA - meanB) / standard error (one sample: (mean - mu) / se). */
  statistic: number;
  /** Degrees of freedom (fractional for Welch). */
  df: number;
  /** p-value for the chosen alternative. */
  pValue: number;
  meanA: number;
  /** Mean of the second sample (one sample: `mu`). */
  meanB: number;
}

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

function meanAndVariance(values: Sample, where: string): { n: number; mean: number; variance: number } {
  check(values !== null && typeof values === 'object' && typeof values.length === 'number', where, 'an array of numbers', String(values));
  const n = values.length;
  check(n >= 2, where, 'at least 2 values', `${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}[${i}]`, 'a finite number', String(v));
    sum += v;
  }
  const mean = sum / n;
  let ss = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    ss += d * d;
    s += d;
  }
  return { n, mean, variance: Math.max(0, (ss - (s * s) / n) / (n - 1)) };
}

function resolveOptions(options: Partial<TTestOptions>, where: string): TTestOptions {
  const opts = { ...defaultTTestOptions, ...options };
  check(ALTERNATIVES.includes(opts.alternative), `${where}: options.alternative`, `one of ${ALTERNATIVES.join(', ')}`, String(opts.alternative));
  check(typeof opts.equalVariance === 'boolean', `${where}: options.equalVariance`, 'a boolean', String(opts.equalVariance));
  return opts;
}

/** p-value of statistic `t` with `df` degrees of freedom for an alternative; limits for infinite t. */
function pValueOf(t: number, df: number, alternative: Alternative): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) {
    if (alternative === 'two-sided') return 0;
    return (alternative === 'greater') === t > 0 ? 0 : 1;
  }
  if (alternative === 'two-sided') return studentTTwoSided(t, df);
  return alternative === 'greater' ? studentTSf(t, df) : studentTSf(-t, df);
}

/**
 * Two-sample t-test of mean(A) vs mean(B): Welch's test by default, Student's with
 * `equalVariance: true`; one- or two-sided via `alternative` (the paper tests S_C vs S_S
 * this way). p-values come from the regularised incomplete beta function and match scipy's
 * `ttest_ind` to about 1e-12.
 *
 * Edge cases: fewer than 2 values in a sample or a non-finite value -> `InputError`.
 * Standard error 0 (both samples constant): statistic is +-Infinity when the means differ
 * (p-value 0, or 1 for the opposite one-sided alternative) and NaN with p-value NaN when
 * they are equal; Welch's df is then NaN.
 */
export function tTest(a: Sample, b: Sample, options: Partial<TTestOptions> = {}): TTestResult {
  const opts = resolveOptions(options, 'stats/tTest');
  const A = meanAndVariance(a, 'stats/tTest: a');
  const B = meanAndVariance(b, 'stats/tTest: b');
  let se: number;
  let df: number;
  if (opts.equalVariance) {
    df = A.n + B.n - 2;
    const pooled = ((A.n - 1) * A.variance + (B.n - 1) * B.variance) / df;
    se = Math.sqrt(pooled * (1 / A.n + 1 / B.n));
  } else {
    const va = A.variance / A.n;
    const vb = B.variance / B.n;
    se = Math.sqrt(va + vb);
    df = (va + vb) ** 2 / ((va * va) / (A.n - 1) + (vb * vb) / (B.n - 1));
  }
  const diff = A.mean - B.mean;
  const statistic = se > 0 ? diff / se : diff === 0 ? Number.NaN : diff > 0 ? Infinity : -Infinity;
  return { statistic, df, pValue: pValueOf(statistic, df, opts.alternative), meanA: A.mean, meanB: B.mean };
}

/**
 * One-sample t-test of mean(A) against `mu` (default 0), df = n - 1; a paired test is
 * this test on the differences. `alternative` as in `tTest` (`'greater'`: mean > mu).
 * Same edge cases as `tTest`.
 */
export function oneSampleTTest(a: Sample, mu = 0, options: Partial<Pick<TTestOptions, 'alternative'>> = {}): TTestResult {
  const opts = resolveOptions(options, 'stats/oneSampleTTest');
  check(Number.isFinite(mu), 'stats/oneSampleTTest: mu', 'a finite number', String(mu));
  const A = meanAndVariance(a, 'stats/oneSampleTTest: a');
  const se = Math.sqrt(A.variance / A.n);
  const diff = A.mean - mu;
  const statistic = se > 0 ? diff / se : diff === 0 ? Number.NaN : diff > 0 ? Infinity : -Infinity;
  const df = A.n - 1;
  return { statistic, df, pValue: pValueOf(statistic, df, opts.alternative), meanA: A.mean, meanB: mu };
}
