import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { describe, quantile } from '../stats/describe';
import { tTest, type Alternative } from '../stats/t-test';
import { setNames, type SetName } from './experiment-data';

/** Score column a summary is about. */
export type ScoreColumn = 'score_raw' | 'score_range' | 'score_ratio';

function column(table: ColumnTable, set: SetName, score: ScoreColumn): number[] {
  return (table.filter(aq.escape((d: { set: string }) => d.set === set)).array(score) as ArrayLike<number> as number[]).slice();
}

/**
 * Per-set statistics of one score column of a `scoreSets` table: one row per set present,
 * `set, n, mean, std, median, q90, max`.
 */
export function scoreStatistics(table: ColumnTable, score: ScoreColumn = 'score_ratio'): ColumnTable {
  const rows = setNames
    .map((set) => ({ set, values: column(table, set, score) }))
    .filter((r) => r.values.length > 0)
    .map(({ set, values }) => {
      const d = describe(values);
      return { set, n: values.length, mean: d.mean, std: d.std, median: d.median, q90: quantile(values, 0.9), max: d.max };
    });
  return aq.from(rows);
}

/** The comparisons the paper tests: S_C above S_S, S_I and S_E. */
export const defaultComparisons: ReadonlyArray<readonly [SetName, SetName]> = [
  ['S_C', 'S_S'],
  ['S_C', 'S_I'],
  ['S_C', 'S_E'],
  ['S_S', 'S_E'],
];

/**
 * Welch and Student t-tests between sets on one score column, one- (`greater`) and
 * two-sided: rows `a, b, test, alternative, statistic, df, p_value, mean_a, mean_b`.
 * Pairs whose sets are missing or have fewer than two points are left out.
 */
export function compareSets(
  table: ColumnTable,
  score: ScoreColumn = 'score_ratio',
  pairs: ReadonlyArray<readonly [SetName, SetName]> = defaultComparisons,
): ColumnTable {
  const rows = [];
  for (const [a, b] of pairs) {
    const xa = column(table, a, score);
    const xb = column(table, b, score);
    if (xa.length < 2 || xb.length < 2) continue;
    for (const equalVariance of [false, true]) {
      for (const alternative of ['greater', 'two-sided'] as Alternative[]) {
        const r = tTest(xa, xb, { equalVariance, alternative });
        rows.push({
          a,
          b,
          test: equalVariance ? 'student' : 'welch',
          alternative,
          statistic: r.statistic,
          df: r.df,
          p_value: r.pValue,
          mean_a: r.meanA,
          mean_b: r.meanB,
        });
      }
    }
  }
  return aq.from(rows);
}
