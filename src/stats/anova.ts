import { check, InputError } from '../util/errors';
import type { Sample } from './describe';
import { fSf } from './f-distribution';

/** Result of `oneWayAnova`. */
export interface AnovaResult {
  /** F = (between-group mean square) / (within-group mean square). */
  statistic: number;
  /** k - 1 for k groups. */
  dfBetween: number;
  /** N - k for N values in all. */
  dfWithin: number;
  /** P(F > statistic) under equal group means. */
  pValue: number;
}

/**
 * One-way ANOVA F-test that all groups have the same mean (e.g. a per-class offset of
 * scores). Needs at least 2 groups, each non-empty, and more values than groups; values
 * must be finite (`InputError` otherwise). Zero within-group variance gives F = Infinity
 * (p 0) when the group means differ and NaN when they do not.
 */
export function oneWayAnova(groups: readonly Sample[]): AnovaResult {
  const where = 'stats/oneWayAnova';
  check(Array.isArray(groups) && groups.length >= 2, `${where}: groups`, 'at least 2 groups', String(groups?.length));
  let total = 0;
  let grand = 0;
  const means: number[] = [];
  groups.forEach((g, k) => {
    check(g.length >= 1, `${where}: groups[${k}]`, 'a non-empty group', 'an empty group');
    let s = 0;
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i])) throw new InputError(`${where}: groups[${k}][${i}]`, 'a finite number', String(g[i]));
      s += g[i];
    }
    means.push(s / g.length);
    total += g.length;
    grand += s;
  });
  const k = groups.length;
  check(total > k, `${where}: groups`, 'more values than groups', `${total} values in ${k} groups`);
  grand /= total;
  let ssBetween = 0;
  let ssWithin = 0;
  groups.forEach((g, j) => {
    ssBetween += g.length * (means[j] - grand) ** 2;
    for (let i = 0; i < g.length; i++) ssWithin += (g[i] - means[j]) ** 2;
  });
  const dfBetween = k - 1;
  const dfWithin = total - k;
  const msWithin = ssWithin / dfWithin;
  const msBetween = ssBetween / dfBetween;
  const statistic = msWithin > 0 ? msBetween / msWithin : msBetween > 0 ? Infinity : Number.NaN;
  return { statistic, dfBetween, dfWithin, pValue: fSf(statistic, dfBetween, dfWithin) };
}
