import { check } from '../util/errors';

/** Numbers in any array form: `number[]`, `Float32Array`, `Float64Array`, ... */
export type Sample = ArrayLike<number>;

function checkNonEmpty(values: Sample, where: string): void {
  check(values.length > 0, where, 'a non-empty array of numbers', 'an empty array');
}

/** Arithmetic mean (sum accumulated in float64). Throws `InputError` for an empty sample; NaN values propagate. */
export function mean(values: Sample): number {
  checkNonEmpty(values, 'stats/mean: values');
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * Variance with `ddof` delta degrees of freedom (default 1: the unbiased sample variance,
 * sum (x - mean)^2 / (n - ddof)), computed in two passes. NaN when n <= ddof.
 */
export function variance(values: Sample, ddof = 1): number {
  const m = mean(values);
  const n = values.length;
  if (n <= ddof) return Number.NaN;
  let ss = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    ss += d * d;
    s += d;
  }
  // Corrected two-pass formula: removes the rounding error left in the mean.
  return (ss - (s * s) / n) / (n - ddof);
}

/** Standard deviation, sqrt of `variance(values, ddof)` (default ddof 1). NaN when n <= ddof. */
export function std(values: Sample, ddof = 1): number {
  return Math.sqrt(variance(values, ddof));
}

/**
 * Quantile `q` in [0, 1] by linear interpolation between order statistics (the default
 * of numpy and R type 7: position q (n - 1) in the sorted sample). Throws `InputError`
 * for an empty sample, q outside [0, 1], or NaN values.
 */
export function quantile(values: Sample, q: number): number {
  return quantiles(values, [q])[0];
}

/** Several quantiles of one sample at once (sorts once); see `quantile`. */
export function quantiles(values: Sample, qs: readonly number[]): number[] {
  checkNonEmpty(values, 'stats/quantile: values');
  const sorted = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < sorted.length; i++) {
    check(!Number.isNaN(sorted[i]), 'stats/quantile: values', 'numbers without NaN', () => `NaN at index ${i}`);
  }
  sorted.sort();
  return qs.map((q, k) => {
    check(q >= 0 && q <= 1, `stats/quantile: q[${k}]`, 'a number in [0, 1]', String(q));
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    const frac = pos - lo;
    return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
  });
}

/** Median, `quantile(values, 0.5)`. */
export function median(values: Sample): number {
  return quantile(values, 0.5);
}

/** Summary of one sample, as returned by `describe`. */
export interface Description {
  count: number;
  mean: number;
  /** Sample standard deviation (ddof 1); NaN for a single value. */
  std: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

/** Count, mean, sample std, min, quartiles and max of a non-empty sample without NaN. */
export function describe(values: Sample): Description {
  const [min, q25, med, q75, max] = quantiles(values, [0, 0.25, 0.5, 0.75, 1]);
  return { count: values.length, mean: mean(values), std: std(values), min, q25, median: med, q75, max };
}
