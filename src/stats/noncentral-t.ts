import { check } from '../util/errors';
import { normalSf } from './correlation-tests';
import { logGamma } from './log-gamma';

const INTERVALS = 2000;

/**
 * E[g(U)] for U = sqrt(V / df), V ~ chi-squared with `df` degrees of freedom: Simpson's rule
 * over U's density `2 (df/2)^(df/2) u^(df-1) exp(-df u^2 / 2) / Gamma(df/2)` on mean +- 10 sd.
 */
function overScaledChi(df: number, g: (u: number) => number): number {
  const spread = 10 / Math.sqrt(2 * df);
  const lo = Math.max(0, 1 - spread);
  const hi = 1 + spread;
  const logNorm = Math.LN2 + (df / 2) * Math.log(df / 2) - logGamma(df / 2);
  const density = (u: number) => (u > 0 ? Math.exp(logNorm + (df - 1) * Math.log(u) - (df * u * u) / 2) : df === 1 ? Math.exp(logNorm) : 0);
  const h = (hi - lo) / INTERVALS;
  let sum = 0;
  for (let i = 0; i <= INTERVALS; i++) {
    const u = lo + i * h;
    const w = i === 0 || i === INTERVALS ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * density(u) * g(u);
  }
  return (sum * h) / 3;
}

function checkArguments(t: number, df: number, ncp: number, where: string): void {
  check(!Number.isNaN(t), `${where}: t`, 'a number', String(t));
  check(df >= 1 && Number.isFinite(df), `${where}: df`, 'finite degrees of freedom >= 1', String(df));
  check(Number.isFinite(ncp), `${where}: ncp`, 'a finite noncentrality', String(ncp));
}

/**
 * Upper tail P(T > t) of the noncentral t distribution with `df` degrees of freedom and
 * noncentrality `ncp`, T = (Z + ncp) / sqrt(V / df): the distribution of a one-sample t
 * statistic when the true mean is `ncp` standard errors away, i.e. the power of a t-test.
 * Computed as E[P(Z > t U - ncp)] over U = sqrt(V / df) by numerical integration (about
 * 1e-7 absolute, the accuracy of `normalSf`; `ncp = 0` gives Student's t).
 * @throws InputError for NaN t, df not finite and >= 1, or a non-finite ncp.
 */
export function noncentralTSf(t: number, df: number, ncp: number): number {
  checkArguments(t, df, ncp, 'stats/noncentralTSf');
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  return overScaledChi(df, (u) => normalSf(t * u - ncp));
}

/** Lower tail P(T <= t) of the noncentral t distribution (see `noncentralTSf`), integrated directly (no 1 - sf). */
export function noncentralTCdf(t: number, df: number, ncp: number): number {
  checkArguments(t, df, ncp, 'stats/noncentralTCdf');
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  return overScaledChi(df, (u) => normalSf(ncp - t * u));
}
