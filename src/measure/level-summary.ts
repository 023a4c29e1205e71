import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { spearmanPermutationTest } from '../stats/overlap-tests';
import type { Rng } from '../util/rng';

/**
 * One row per distinct value of `level` in a study table (one row per level and seed):
 * the level, the number of seeds, and the mean and standard deviation (`*_sd`, NaN for one
 * seed) of each of `columns`. The privacy and regulariser studies summarise this way.
 */
export function summarizeLevels(study: ColumnTable, level: string, columns: readonly string[]): Array<Record<string, number>> {
  const levels = Array.from(new Set(study.array(level) as number[]));
  return levels.map((value) => {
    const part = study.filter(aq.escape((d: Record<string, number>) => d[level] === value));
    const row: Record<string, number> = { [level]: value, seeds: part.numRows() };
    for (const c of columns) {
      const v = Array.from(part.array(c) as ArrayLike<number>);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      row[c] = m;
      row[`${c}_sd`] = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)) : Number.NaN;
    }
    return row;
  });
}

/** Whether values rise with an ordering: Spearman's rho, its one-sided permutation p-value, and rho > 0 at p < alpha. */
export interface RankTrend {
  readonly rho: number;
  readonly pValue: number;
  readonly falls: boolean;
}

/**
 * Spearman's rho between `order` and `values` with a one-sided permutation p-value
 * (999 permutations from `rng`); `falls` is true when rho > 0 at p < `alpha` (with `order`
 * the quantity that falls, e.g. epsilon, or minus a regulariser weight).
 */
export function rankTrend(order: readonly number[], values: readonly number[], rng: Rng, alpha: number): RankTrend {
  const t = spearmanPermutationTest(order, values, { rng });
  return { rho: t.observed, pValue: t.pValue, falls: t.observed > 0 && t.pValue < alpha };
}
