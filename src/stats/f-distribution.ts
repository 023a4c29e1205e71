import { regularizedIncompleteBeta } from './incomplete-beta';

/**
 * Upper tail P(F > f) of the F distribution with `df1`, `df2` > 0 degrees of freedom:
 * I_{df2/(df2 + df1 f)}(df2/2, df1/2). 1 for f <= 0, 0 for f = Infinity, NaN for NaN input.
 */
export function fSf(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f) || !(df1 > 0) || !(df2 > 0)) return Number.NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const denom = df2 + df1 * f;
  return regularizedIncompleteBeta(df2 / denom, df2 / 2, df1 / 2, (df1 * f) / denom);
}
