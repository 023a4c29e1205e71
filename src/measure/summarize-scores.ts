import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { describe, quantile } from '../stats/describe';
import { tTest, type Alternative } from '../stats/t-test';
import { setNames, type SetName } from '../design/experiment-data';
import type { ScoreColumn } from './score-table';

/** Score column a summary is about (`score_raw`, `score_range`, `score_ratio`; see `score-table`). */
export type { ScoreColumn } from './score-table';

function column(table: ColumnTable, set: string, score: string): number[] {
  return (table.filter(aq.escape((d: { set: string }) => d.set === set)).array(score) as ArrayLike<number> as number[]).slice();
}

/**
 * Per-set statistics of one score column of a `scoreSets` table (or any numeric column of a
 * table with a `set` column, e.g. `labelMemorization`'s `score`): one row per set present,
 * `set, n, mean, std, median, q90, max`; the four sets in report order, then any other
 * `set` value (e.g. `fold 0`) in natural order.
 */
export function scoreStatistics(table: ColumnTable, score: ScoreColumn | (string & {}) = 'score_ratio'): ColumnTable {
  const present = [...new Set(Array.from(table.array('set') as ArrayLike<string>))];
  const order = [...setNames.filter((s) => present.includes(s)), ...present.filter((s) => !(setNames as readonly string[]).includes(s)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))];
  const rows = order
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
 * Welch and Student t-tests between sets on one score column (or any numeric column of a
 * table with a `set` column), one- (`greater`) and two-sided: rows `a, b, test, alternative,
 * statistic, df, p_value, mean_a, mean_b`. Pairs whose sets are missing or have fewer than
 * two points are left out.
 */
export function compareSets(
  table: ColumnTable,
  score: ScoreColumn | (string & {}) = 'score_ratio',
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

/** The rows of one split of a table (all rows when it has no `split_seed`), by split. */
function bySplit(table: ColumnTable): Array<[number | null, ColumnTable]> {
  if (!table.columnNames().includes('split_seed')) return [[null, table]];
  const seeds = [...new Set(table.array('split_seed') as number[])].sort((a, b) => a - b);
  return seeds.map((s) => [s, table.filter(aq.escape((d: { split_seed: number }) => d.split_seed === s))]);
}

/**
 * How many points of each set score above the `quantile` of set `reference` of their split
 * (default: the 95th percentile of S_E, the points neither encoder saw, so about 5% of S_E
 * is above by construction): rows `split_seed` (when the table has it), `set, n, high, fraction`.
 */
export function highlyMemorized(table: ColumnTable, options: { quantile?: number; reference?: SetName; score?: ScoreColumn } = {}): ColumnTable {
  const q = options.quantile ?? 0.95;
  const reference = options.reference ?? 'S_E';
  const score = options.score ?? 'score_raw';
  const rows = [];
  for (const [split, part] of bySplit(table)) {
    const threshold = quantile(column(part, reference, score), q);
    for (const set of setNames) {
      const values = column(part, set, score);
      if (values.length === 0) continue;
      const high = values.filter((v) => v > threshold).length;
      rows.push({ ...(split === null ? {} : { split_seed: split }), set, n: values.length, high, fraction: high / values.length, threshold });
    }
  }
  return aq.from(rows);
}

/**
 * The difference of the mean scores of two sets, per split, with the two-sided Welch test:
 * rows `split_seed` (when the table has it), `mean_a, mean_b, difference, t, p_value`. For
 * S_S against S_E it measures an offset between f and g that both sets share.
 */
export function setOffsets(table: ColumnTable, a: SetName, b: SetName, score: ScoreColumn = 'score_raw'): ColumnTable {
  return aq.from(
    bySplit(table).map(([split, part]) => {
      const r = tTest(column(part, a, score), column(part, b, score), { alternative: 'two-sided' });
      return { ...(split === null ? {} : { split_seed: split }), a, b, mean_a: r.meanA, mean_b: r.meanB, difference: r.meanA - r.meanB, t: r.statistic, p_value: r.pValue };
    }),
  );
}

/** The classes of a table's rows as `label:count` pairs, most frequent first (e.g. `4:5, 9:4, 7:2`). */
export function classCounts(table: ColumnTable, labelColumn = 'label'): string {
  const counts = new Map<number, number>();
  for (const label of table.array(labelColumn) as number[]) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0]).map(([label, n]) => `${label}:${n}`).join(', ');
}
