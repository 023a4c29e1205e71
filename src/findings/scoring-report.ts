import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoringContrast, type ScoringContrast } from './scoring-contrast';
import { scoringOverlap } from './scoring-overlap';
import { scoringSeeds, type SubsetSettings, type SubsetStudy } from './subset-study';

// What a subset finding adds to its tables and verdict when its settings ask for several
// independent scorings or class controls (nothing with the defaults).

/** Two conditions of a subset study, the one the claim says scores higher first. */
export interface ConditionPair {
  readonly higher: string;
  readonly lower: string;
}

/** Whether a subset study's settings ask for the scoring report: more than one scoring, or class controls. */
export function asksScoringReport(settings: SubsetSettings): boolean {
  return scoringSeeds(settings).length > 1 || settings.controls === true;
}

/** Per pair of conditions present in the study's table and per task, `scoringContrast` (pairs in order, tasks in order). */
export function scoringContrasts<S extends SubsetSettings>(study: SubsetStudy<S>, pairs: readonly ConditionPair[], alpha = 0.05): ScoringContrast[] {
  const present = new Set(Array.from(study.table.array('condition') as ArrayLike<string>));
  return pairs.filter((p) => present.has(p.higher) && present.has(p.lower)).flatMap((p) => study.tasks.map((t) => scoringContrast(study.table, t, { ...p, alpha })));
}

/**
 * The scoring report's tables: `contrast` (per pair of conditions and task: scorings, the
 * mean and sd of the per-scoring mean differences, t, df, two-sided and one-sided p across
 * scorings, scorings needed for p < 0.01 with power 0.8, holds), `by_scoring` (per pair, task,
 * scoring and kept share: the mean difference over seeds) and, with several scorings,
 * `overlap` (per memorized subset size: the mean, min and max pairwise Jaccard index of the
 * scorings' most memorized subsets and the chance level).
 */
export function scoringTables<S extends SubsetSettings>(study: SubsetStudy<S>, contrasts: readonly ScoringContrast[], sizes: readonly number[]): Record<string, ColumnTable> {
  const contrast = aq.from(
    contrasts.map((c) => ({ task: c.task, higher: c.higher, lower: c.lower, scorings: c.scorings, mean: c.mean, sd: c.sd, t: c.statistic, df: c.df, p_two_sided: c.pTwoSided, p_one_sided: c.pOneSided, scorings_needed: c.scoringsNeeded, holds: c.holds })),
  );
  const byScoring = aq.from(
    contrasts.flatMap((c) => c.perScoring.flatMap((s) => s.byShare.map((b) => ({ task: c.task, higher: c.higher, lower: c.lower, scoring: s.scoring, kept: b.kept, pairs: b.pairs, mean: b.mean })))),
  );
  const scorings = study.scorings ?? [study.scores];
  return {
    contrast,
    by_scoring: byScoring,
    ...(scorings.length > 1 ? { overlap: aq.from(scoringOverlap(scorings, sizes, study.settings.column).map((o) => ({ ...o }))) } : {}),
  };
}

/** The line on whether independent scorings pick the same points (empty with one scoring). */
export function overlapLines<S extends SubsetSettings>(study: SubsetStudy<S>, sizes: readonly number[]): string[] {
  const scorings = study.scorings ?? [study.scores];
  if (scorings.length < 2) return [];
  const overlap = scoringOverlap(scorings, sizes, study.settings.column);
  return [
    `Overlap of the ${scorings.length} scorings' most memorized points (mean pairwise Jaccard, chance in brackets): ${overlap.map((o) => `${o.points} points ${o.jaccard.toFixed(2)} (${o.chance.toFixed(2)})`).join(', ')}.`,
  ];
}

/** The scoring report's verdict, when the settings ask for it: the primary test across scorings (several scorings), the class controls and the overlap. */
export interface ScoringVerdict {
  /** The primary pair's contrasts, one per task (tested across scorings). */
  readonly primary: readonly ScoringContrast[];
  /** Whether the test across scorings replaces the paired test over seeds (more than one scoring). */
  readonly acrossScorings: boolean;
  /** Lines for the class controls (across scorings, or paired over seeds with one scoring) and the overlap. */
  readonly lines: readonly string[];
}

/**
 * The scoring report of a subset study: `primary` the claim's pair of conditions per task
 * with the scoring as the unit; `lines` one per class-control pair and task (the test
 * across scorings, or with one scoring `pairedText` of the paired test over seeds) and
 * the overlap of the scorings' memorized subsets.
 */
export function scoringVerdict<S extends SubsetSettings>(
  study: SubsetStudy<S>,
  primary: ConditionPair,
  controls: readonly ConditionPair[],
  sizes: readonly number[],
  pairedText: (pair: ConditionPair, task: string) => string,
  alpha = 0.05,
): ScoringVerdict {
  const several = (study.scorings ?? [study.scores]).length > 1;
  const present = new Set(Array.from(study.table.array('condition') as ArrayLike<string>));
  const controlLines = controls
    .filter((p) => present.has(p.higher) && present.has(p.lower))
    .flatMap((p) => study.tasks.map((t) => `Class control, ${several ? scoringContrast(study.table, t, { ...p, alpha }).sentence : pairedText(p, t)}.`));
  return { primary: scoringContrasts(study, [primary], alpha), acrossScorings: several, lines: [...controlLines, ...overlapLines(study, sizes)] };
}

/** The lines a subset finding's `describe` adds for several scorings or class controls (none by default). */
export function scoringDescription(settings: SubsetSettings): string[] {
  const scorings = scoringSeeds(settings);
  return [
    ...(scorings.length > 1 ? [`scorings: ${scorings.length} independent scorings of the pool (reference seeds ${scorings.map((s) => s.join(', ')).join(' | ')}), each choosing its own memorized and random subsets; memorized against random is tested across scorings`] : []),
    ...(settings.controls === true ? ['class controls: a random subset with the memorized subset\'s class counts (random-matched), and the most memorized points within each class, each class keeping its share of the pool (memorized-per-class)'] : []),
  ];
}
