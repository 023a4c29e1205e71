import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

export { candidateReliability } from '../../measure/ranking-reliability';

/** One row of `frameworks.reliability`. */
export interface FrameworkReliabilityRow {
  readonly framework: string;
  readonly kind: 'ssl' | 'supervised';
  /** Seeds per side whose scores were compared. */
  readonly seeds: number;
  /** Mean correlation of two seeds' class-centred candidate scores. */
  readonly between_seeds: number;
  /** Spearman-Brown reliability of the seeds' mean, with its 95% bootstrap interval. */
  readonly reliability: number;
  readonly low: number;
  readonly high: number;
  /** Seeds per side for a reliability of 0.8 (Infinity when the seeds do not agree at all). */
  readonly seeds_for_0_8: number;
}

/** The reliability table of a framework study: one row per framework (frameworks kept with 2 or more seeds). */
export function reliabilityTable(rows: readonly FrameworkReliabilityRow[]): ColumnTable {
  return aq.from(rows as FrameworkReliabilityRow[]);
}

/**
 * The agreement of every pair against the most two rankings this noisy can agree:
 * `ceiling = sqrt(reliability_a * reliability_b)` (NaN when either is at or below 0: that
 * ranking is noise) and `spearman_disattenuated = spearman / ceiling`, Spearman's correction
 * (with Pearson-based reliabilities for a rank correlation: an approximation).
 */
export function withCeilings(pairs: ColumnTable, reliability: ColumnTable): ColumnTable {
  const of = new Map((reliability.objects() as FrameworkReliabilityRow[]).map((r) => [r.framework, r.reliability]));
  const rows = pairs.objects() as Array<{ a: string; b: string; spearman: number }>;
  const ceilings = rows.map((r) => {
    const [a, b] = [of.get(r.a) ?? Number.NaN, of.get(r.b) ?? Number.NaN];
    return a > 0 && b > 0 ? Math.sqrt(a * b) : Number.NaN;
  });
  return pairs.assign({ ceiling: ceilings, spearman_disattenuated: rows.map((r, i) => r.spearman / ceilings[i]) });
}
