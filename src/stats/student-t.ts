import { regularizedIncompleteBeta } from './incomplete-beta';

/**
 * Upper tail P(T > t) of Student's t distribution with `df` > 0 degrees of freedom,
 * from the regularised incomplete beta function:
 * P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2). Accurate to about 1e-14 relative, also
 * deep in the tails. Infinite `t` gives 0 or 1; NaN for NaN input or df <= 0.
 */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const half = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5, y);
  return t > 0 ? half : 1 - half;
}

/** Lower tail P(T <= t) of Student's t distribution with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/**
 * Two-sided tail P(|T| >= |t|) of Student's t distribution, computed in one piece (no
 * doubling of a rounded half), so that tiny p-values keep their precision.
 */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}
