import { check } from '../util/errors';
import { normalSf } from './correlation-tests';
import { studentTSf } from './student-t';

/**
 * The x at which a symmetric distribution's upper tail `sf` equals `1 - p`: bisection on
 * the tail itself, so a quantile agrees with the tail functions of this folder to about
 * 1e-12 in x (no second approximation of the distribution).
 */
function symmetricQuantile(p: number, sf: (x: number) => number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -symmetricQuantile(1 - p, sf);
  const tail = 1 - p;
  let lo = 0;
  let hi = 1;
  while (sf(hi) > tail) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (sf(mid) > tail) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom: the t with
 * P(T <= t) = p, the inverse of `studentTCdf` (e.g. `studentTQuantile(0.975, 10)` is 2.228).
 * @throws InputError unless p is in (0, 1) and df > 0.
 */
export function studentTQuantile(p: number, df: number): number {
  check(p > 0 && p < 1, 'stats/studentTQuantile: p', 'a probability in (0, 1)', String(p));
  check(df > 0 && df < Infinity, 'stats/studentTQuantile: df', 'finite degrees of freedom > 0', String(df));
  return symmetricQuantile(p, (t) => studentTSf(t, df));
}

/**
 * Quantile of the standard normal distribution: the z with P(Z <= z) = p, the inverse of
 * `normalSf`'s complement (e.g. `normalQuantile(0.975)` is 1.95996), as accurate as `normalSf`
 * (about 1e-7 relative in the tail probability).
 * @throws InputError unless p is in (0, 1).
 */
export function normalQuantile(p: number): number {
  check(p > 0 && p < 1, 'stats/normalQuantile: p', 'a probability in (0, 1)', String(p));
  return symmetricQuantile(p, normalSf);
}
