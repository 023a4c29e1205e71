import type { ColumnTable } from 'arquero';
import { mean as meanOf, std } from '../stats/describe';
import { pairedSeedsFor } from '../stats/projection';

/** The per-seed difference of one column between two levels of a level study, and the seeds a paired test of it needs. */
export interface LevelContrast {
  readonly column: string;
  /** The two levels compared: `from` (e.g. no regulariser) minus `to` (the strongest). */
  readonly from: number;
  readonly to: number;
  /** Seeds measured at both levels. */
  readonly seeds: number;
  /** Mean and standard deviation (n - 1) of the per-seed differences `from - to`. */
  readonly mean: number;
  readonly sd: number;
  /** Seeds per level at which a two-sided paired t-test reaches p < 0.01 with power 0.8 (`pairedSeedsFor`); NaN when fewer than 2 seeds or no spread. */
  readonly seedsNeeded: number;
}

/**
 * How many seeds a level study needs to show that `column` differs between levels `from`
 * and `to`: the per-seed differences (seeds paired: the same seed at both levels, so the same
 * split, initialisation and stream), their mean and spread, and `pairedSeedsFor` at
 * alpha 0.01 and power 0.8, taking the measured effect as the true one.
 */
export function levelContrast(table: ColumnTable, level: string, column: string, from: number, to: number): LevelContrast {
  const rows = table.objects() as Array<Record<string, number>>;
  const at = (value: number) => new Map(rows.filter((r) => r[level] === value).map((r) => [r.seed, r[column]]));
  const [a, b] = [at(from), at(to)];
  const differences = [...a.keys()].filter((seed) => b.has(seed)).map((seed) => a.get(seed)! - b.get(seed)!).filter(Number.isFinite);
  const n = differences.length;
  const mean = n === 0 ? Number.NaN : meanOf(differences);
  const sd = n < 2 ? Number.NaN : std(differences);
  const seedsNeeded = n >= 2 && sd > 0 ? pairedSeedsFor({ meanDifference: mean, sdDifference: sd }) : Number.NaN;
  return { column, from, to, seeds: n, mean, sd, seedsNeeded };
}

/** A contrast in a verdict's words: `N seeds (difference 1.2e-3 +- 4.0e-4 over 3 seeds)`. */
export function contrastWords(c: LevelContrast, format: (value: number) => string): string {
  const measured = `difference ${format(c.mean)} +- ${format(c.sd)} over ${c.seeds} seeds`;
  if (Number.isNaN(c.seedsNeeded)) return `not projectable (${measured})`;
  return `${Number.isFinite(c.seedsNeeded) ? `${c.seedsNeeded} seeds` : 'no number of seeds'} (${measured})`;
}
