import type { ColumnTable } from 'arquero';
import { formatPValueText } from '../measure/verdict-text';
import { describe } from '../stats/describe';
import { defaultProjectionOptions, pairedSeedsFor } from '../stats/projection';
import { oneSampleTTest } from '../stats/t-test';
import { check } from '../util/errors';

// The scoring as the unit of a subset study's test: each independent scoring of the pool
// chooses its own memorized subsets, so a difference between conditions is averaged within a
// scoring (over its retraining seeds and kept shares) and tested across scorings. With one
// scoring the difference belongs to one subset, and a test over seeds cannot tell it from a
// property of the rule.

/** Options of `scoringContrast`. */
export interface ScoringContrastOptions {
  /** Condition the claim says scores higher, e.g. `memorized` (coreset) or `random` (removal). */
  readonly higher: string;
  /** Condition it is compared with, e.g. `random`. */
  readonly lower: string;
  /** Level of the one-sided test in the claim's direction (default 0.05). */
  readonly alpha?: number;
  /** Two-sided level and power `scoringsNeeded` plans for (default 0.01 and 0.8). */
  readonly projection?: { readonly alpha?: number; readonly power?: number };
}

/** One scoring's difference: the mean over its (kept share, seed) pairs, and per kept share. */
export interface ScoringDifference {
  readonly scoring: number;
  /** Mean of `higher - lower` over the scoring's pairs (kept shares x seeds). */
  readonly mean: number;
  readonly pairs: number;
  /** Mean of `higher - lower` over the seeds of each kept share, by kept share (descending). */
  readonly byShare: ReadonlyArray<{ readonly kept: number; readonly mean: number; readonly pairs: number }>;
}

/** A t-test of per-scoring means across scorings (NaN with fewer than two scorings or no spread). */
export interface AcrossScorings {
  /** Mean of the per-scoring means. */
  readonly mean: number;
  /** Their standard deviation (n - 1; NaN with one scoring). */
  readonly sd: number;
  readonly statistic: number;
  readonly df: number;
  /** Two-sided p of a one-sample t-test of the per-scoring means against 0. */
  readonly pTwoSided: number;
  /** One-sided p in the claim's direction (mean > 0). */
  readonly pOneSided: number;
}

/** A subset study's contrast of two conditions with the scoring as the unit (`scoringContrast`). */
export interface ScoringContrast extends AcrossScorings {
  readonly task: string;
  readonly higher: string;
  readonly lower: string;
  /** Scorings with at least one pair. */
  readonly scorings: number;
  readonly perScoring: readonly ScoringDifference[];
  /** The same test per kept share (descending). */
  readonly perShare: ReadonlyArray<AcrossScorings & { readonly kept: number }>;
  /** Scorings whose mean is above 0. */
  readonly wins: number;
  /** Holds when the one-sided p across scorings is below `alpha` (never with one scoring). */
  readonly holds: boolean;
  /**
   * Scorings a one-sample t-test across scorings would need to reach `projection.alpha`
   * (two-sided) with `projection.power`, if the measured mean and sd were the truth
   * (`pairedSeedsFor`); NaN with fewer than two scorings or no spread, Infinity with no effect.
   */
  readonly scoringsNeeded: number;
  /** What was measured and tested, in one sentence (says so plainly when there is one scoring). */
  readonly sentence: string;
}

function across(means: readonly number[]): AcrossScorings {
  const mean = means.length > 0 ? means.reduce((a, b) => a + b, 0) / means.length : Number.NaN;
  if (means.length < 2) return { mean, sd: Number.NaN, statistic: Number.NaN, df: Number.NaN, pTwoSided: Number.NaN, pOneSided: Number.NaN };
  const sd = describe(means).std;
  if (!(sd > 0)) return { mean, sd, statistic: Number.NaN, df: means.length - 1, pTwoSided: Number.NaN, pOneSided: Number.NaN };
  const two = oneSampleTTest(means, 0, { alternative: 'two-sided' });
  const one = oneSampleTTest(means, 0, { alternative: 'greater' });
  return { mean, sd, statistic: two.statistic, df: two.df, pTwoSided: two.pValue, pOneSided: one.pValue };
}

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

/**
 * Tests a subset study's claim with the scoring as the unit: from one row per retraining
 * (`condition, kept, seed`, optionally `scoring` (0 when absent), and the `task` column),
 * pairs `higher` with `lower` of the same scoring, kept share and seed; per scoring the mean
 * of `higher - lower` over its retraining seeds and kept shares (and per kept share over its
 * seeds); then a one-sample t-test of the per-scoring means against 0 across scorings
 * (two-sided, and one-sided in the claim's direction), overall and per kept share. With one
 * scoring there is no test: the sentence says the difference belongs to that scoring's
 * subset. Accuracies are fractions; the sentence speaks in points (x 100).
 * @throws InputError when the table lacks `condition`, `kept`, `seed` or the task column.
 */
export function scoringContrast(table: ColumnTable, task: string, options: ScoringContrastOptions): ScoringContrast {
  const names = table.columnNames();
  for (const column of ['condition', 'kept', 'seed', task]) check(names.includes(column), `scoringContrast table (task ${task})`, `a column ${column}`, names.join(', '));
  const alpha = options.alpha ?? 0.05;
  const rows = table.objects() as Array<Record<string, unknown>>;
  const scoringOf = (r: Record<string, unknown>) => (r.scoring === undefined ? 0 : Number(r.scoring));
  const key = (r: Record<string, unknown>) => `${scoringOf(r)}|${r.kept}|${r.seed}`;
  const lowOf = new Map(rows.filter((r) => r.condition === options.lower).map((r) => [key(r), Number(r[task])]));
  const diffs = new Map<number, Array<{ kept: number; diff: number }>>();
  for (const r of rows.filter((x) => x.condition === options.higher)) {
    const low = lowOf.get(key(r));
    if (low === undefined) continue;
    const s = scoringOf(r);
    diffs.set(s, [...(diffs.get(s) ?? []), { kept: Number(r.kept), diff: Number(r[task]) - low }]);
  }
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perScoring: ScoringDifference[] = [...diffs.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([scoring, ds]) => {
      const shares = [...new Set(ds.map((d) => d.kept))].sort((a, b) => b - a);
      return {
        scoring,
        mean: mean(ds.map((d) => d.diff)),
        pairs: ds.length,
        byShare: shares.map((kept) => {
          const of = ds.filter((d) => d.kept === kept).map((d) => d.diff);
          return { kept, mean: mean(of), pairs: of.length };
        }),
      };
    });
  const overall = across(perScoring.map((s) => s.mean));
  const shares = [...new Set(perScoring.flatMap((s) => s.byShare.map((b) => b.kept)))].sort((a, b) => b - a);
  const perShare = shares.map((kept) => ({ kept, ...across(perScoring.flatMap((s) => s.byShare.filter((b) => b.kept === kept).map((b) => b.mean))) }));
  const projection = { alpha: options.projection?.alpha ?? defaultProjectionOptions.alpha, power: options.projection?.power ?? defaultProjectionOptions.power };
  const scoringsNeeded = perScoring.length >= 2 && overall.sd > 0 ? pairedSeedsFor({ meanDifference: overall.mean, sdDifference: overall.sd, ...projection }) : Number.NaN;
  const holds = overall.mean > 0 && overall.pOneSided < alpha;
  const wins = perScoring.filter((s) => s.mean > 0).length;
  const what = `${task}: ${options.higher} - ${options.lower}`;
  let sentence: string;
  if (perScoring.length === 0) sentence = `${what}: no pair of runs to compare`;
  else if (perScoring.length === 1) {
    sentence = `${what} ${points(overall.mean)} points over ${perScoring[0].pairs} pairs of one scoring: the difference belongs to that scoring's subset and cannot be tested as a rule (one scoring, no p across scorings)`;
  } else {
    const reach = `reach two-sided p < ${projection.alpha} with power ${projection.power}`;
    const need = Number.isNaN(scoringsNeeded)
      ? 'no spread to project from'
      : !Number.isFinite(scoringsNeeded)
        ? `no number of scorings up to ${defaultProjectionOptions.maxSeeds} would ${reach}`
        : overall.mean > 0
          ? `about ${scoringsNeeded} scorings would ${reach}`
          : `the difference is against the claim (about ${scoringsNeeded} scorings would ${reach} for it)`;
    sentence =
      `${what} ${points(overall.mean)} points averaged within each of ${perScoring.length} scorings (per scoring ${perScoring.map((s) => points(s.mean)).join(', ')}; ${wins} of ${perScoring.length} in favour), ` +
      `across scorings two-sided ${formatPValueText(overall.pTwoSided)}, one-sided ${formatPValueText(overall.pOneSided)}${holds ? '' : ' (not significant)'}; ${need}`;
  }
  return { task, higher: options.higher, lower: options.lower, scorings: perScoring.length, perScoring, perShare, wins, holds, scoringsNeeded, sentence, ...overall };
}
