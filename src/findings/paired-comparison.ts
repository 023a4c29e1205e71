import type { ColumnTable } from 'arquero';
import { oneSampleTTest } from '../stats/t-test';

/** A paired comparison of two conditions over matching (kept share, seed) runs. */
export interface PairedComparison {
  /** The compared column (a downstream task). */
  readonly task: string;
  /** Pairs compared (kept shares x seeds). */
  readonly n: number;
  /** Mean of (better - worse) as hypothesised. */
  readonly meanDifference: number;
  /** One-sided paired t-test p of mean difference > 0 (NaN with fewer than two pairs or no spread). */
  readonly pValue: number;
  /** Pairs in which the hypothesis held. */
  readonly wins: number;
  readonly holds: boolean;
}

/**
 * Tests that condition `higher` scores above condition `lower` on `task`, pairing the runs
 * of the same kept share and seed (`match` maps a row to its pair key): one-sided paired
 * t-test of the differences; holds when the mean difference is positive at p < `alpha`.
 */
export function pairedComparison(
  table: ColumnTable,
  task: string,
  higher: (row: Record<string, unknown>) => boolean,
  lower: (row: Record<string, unknown>) => boolean,
  match: (row: Record<string, unknown>) => string,
  alpha = 0.05,
): PairedComparison {
  const rows = table.objects() as Array<Record<string, unknown>>;
  const lowOf = new Map(rows.filter(lower).map((r) => [match(r), Number(r[task])]));
  const diffs = rows.filter(higher).flatMap((r) => (lowOf.has(match(r)) ? [Number(r[task]) - (lowOf.get(match(r)) as number)] : []));
  const meanDifference = diffs.length > 0 ? diffs.reduce((a, b) => a + b, 0) / diffs.length : Number.NaN;
  const spread = diffs.some((d) => d !== diffs[0]);
  const pValue = diffs.length >= 2 && spread ? oneSampleTTest(diffs, 0, { alternative: 'greater' }).pValue : Number.NaN;
  return { task, n: diffs.length, meanDifference, pValue, wins: diffs.filter((d) => d > 0).length, holds: meanDifference > 0 && pValue < alpha };
}

/** The pair key of a subset study's rows: kept share and seed (and the scoring, when the rows have one). */
export function sameShareAndSeed(row: Record<string, unknown>): string {
  return row.scoring === undefined ? `${row.kept}|${row.seed}` : `${row.scoring}|${row.kept}|${row.seed}`;
}
