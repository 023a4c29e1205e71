import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoringContrast, type ScoringContrast } from './scoring-contrast';
import { scoringOverlap } from './scoring-overlap';
import { scoringSeeds, type SubsetSettings, type SubsetStudy } from './subset-study';
import { rankingReliability, type RankingReliability } from '../measure/ranking-reliability';
import { perSeedScores } from '../measure/score-table';
import { median } from '../stats/describe';
import { costInWords } from './training-cost';
import { downstreamTaskText } from '../measure/downstream-tasks';
import { formatPValueText } from '../measure/verdict-text';
import type { Verdict } from './finding';
import { pairedComparison, sameShareAndSeed } from './paired-comparison';

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
    reliability: scoringReliabilityTable(study),
  };
}

/** Below it a scoring's ranking of the pool is mostly the noise of the training runs. */
export const reliableEnough = 0.5;

/**
 * Per scoring, how far its ranking of the pool can be trusted: `rankingReliability` of its
 * all-point scores (every point, classes from the table); undefined for a scoring of one seed.
 */
export function scoringReliabilities<S extends SubsetSettings>(study: SubsetStudy<S>): Array<RankingReliability | undefined> {
  return (study.scorings ?? [study.scores]).map((table) => (perSeedScores(table).seeds.length >= 2 ? rankingReliability(table) : undefined));
}

/**
 * The `reliability` table of a subset study: per scoring its seeds, the mean correlation of
 * two seeds' scores (Pearson, and within class), the Spearman-Brown reliability of its
 * ranking with the 95% bootstrap interval, the share of the variance class explains, and the
 * seeds per scoring for a reliability of 0.8. No rows when every scoring has one seed.
 */
export function scoringReliabilityTable<S extends SubsetSettings>(study: SubsetStudy<S>): ColumnTable {
  const rows = scoringReliabilities(study).flatMap((r, scoring) =>
    r === undefined
      ? []
      : [{ scoring, seeds: r.seeds, points: r.points, between_seeds: r.pearson, within_class: r.withinClass ?? Number.NaN, reliability: r.reliability, low: r.interval?.[0] ?? Number.NaN, high: r.interval?.[1] ?? Number.NaN, class_share: r.classShare ?? Number.NaN, seeds_for_0_8: r.seedsNeeded }],
  );
  return aq.from(rows);
}

/**
 * The reliability lines of a subset study's verdict: how far each scoring's ranking of the
 * pool can be trusted and what seeds would make it firm. `caveat`: the clause the sentence
 * gets when the rankings are too unreliable to carry the claim (median reliability below
 * `reliableEnough`).
 */
export function reliabilityLines<S extends SubsetSettings>(study: SubsetStudy<S>): { lines: string[]; caveat?: string } {
  const all = scoringReliabilities(study);
  const measured = all.filter((r): r is RankingReliability => r !== undefined);
  if (measured.length === 0) return { lines: ['Reliability of the rankings: not measured (one training seed per scoring).'] };
  const k = measured[0].seeds;
  const interval = (r: RankingReliability) => (r.interval === undefined ? '' : ` [${r.interval[0].toFixed(2)}, ${r.interval[1].toFixed(2)}]`);
  const typical = median(measured.map((r) => r.reliability));
  const pearson = median(measured.map((r) => r.pearson));
  const within = measured.every((r) => r.withinClass !== undefined) ? median(measured.map((r) => r.withinClass!)) : Number.NaN;
  const share = measured.every((r) => r.classShare !== undefined) ? median(measured.map((r) => r.classShare!)) : Number.NaN;
  const seedsNeeded = Math.max(...measured.map((r) => r.seedsNeeded));
  const lines = [
    `Reliability of each scoring's ranking of the pool (mean of ${k} seeds, Spearman-Brown, 95% bootstrap interval): ${all.map((r, i) => (r === undefined ? `scoring ${i} one seed` : `scoring ${i} ${r.reliability.toFixed(2)}${interval(r)}`)).join(', ')}; ` +
      `two seeds' scores correlate ${pearson.toFixed(3)} (median over scorings)${Number.isNaN(within) ? '' : `, ${within.toFixed(3)} within class`}${Number.isNaN(share) ? '' : `; class explains ${(100 * share).toFixed(0)}% of the ranked score's variance`}; ` +
      (Number.isFinite(seedsNeeded) ? `about ${seedsNeeded} seeds per scoring would reach a reliability of 0.8.` : 'the seeds do not agree at all, so no number of seeds would make the rankings firm.'),
  ];
  const caveat =
    typical < reliableEnough
      ? `the rankings are mostly the noise of the training runs (median reliability ${typical.toFixed(2)} < ${reliableEnough}), so independent scorings choose largely different points as the most memorized: a difference speaks for a rule about the most memorized points only where the scorings agree on which they are`
      : undefined;
  return { lines, caveat };
}

/**
 * The projection line of a subset study tested across scorings: how many scorings the
 * primary task's difference would need for two-sided p < 0.01 with power 0.8 (as measured),
 * and what that run costs at the study's own training time.
 */
export function projectionLine<S extends SubsetSettings>(study: SubsetStudy<S>, primary: ScoringContrast): string {
  const per = study.trainingsPerScoring ?? Number.NaN;
  const what = `${primary.task}, ${primary.higher} - ${primary.lower}`;
  if (Number.isNaN(primary.scoringsNeeded)) return `What it would take (${what}): not projectable (no spread across scorings to project from).`;
  if (!Number.isFinite(primary.scoringsNeeded)) return `What it would take (${what}): no number of scorings would show the measured difference (${primary.mean >= 0 ? '+' : ''}${(100 * primary.mean).toFixed(2)} points): it is too small against its spread.`;
  const one = Number.isFinite(per) ? `; one more scoring (its references and retrainings) costs ${costInWords(Math.ceil(per), study.secondsPerEncoder ?? Number.NaN)}` : '';
  if (!(primary.mean > 0)) return `What it would take (${what}): the measured difference is against the claim (${(100 * primary.mean).toFixed(2)} points), so more scorings of this design would not confirm it${one}.`;
  const jobs = Number.isFinite(per) ? Math.ceil(primary.scoringsNeeded * per) : Number.NaN;
  return `What it would take (${what}): about ${primary.scoringsNeeded} scorings for two-sided p < 0.01 with power 0.8 if the measured difference were the truth${Number.isFinite(jobs) ? `, ${costInWords(jobs, study.secondsPerEncoder ?? Number.NaN)}` : ''}.`;
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

/** The scoring report's verdict, when the settings ask for it: the primary test across scorings (several scorings), the class controls, the overlap, the reliability of the rankings and the projection. */
export interface ScoringVerdict {
  /** The primary pair's contrasts, one per task (tested across scorings); the first task's is the claim's test. */
  readonly primary: readonly ScoringContrast[];
  /** Whether the test across scorings replaces the paired test over seeds (more than one scoring). */
  readonly acrossScorings: boolean;
  /** Lines for the other tasks (across scorings), the class controls (across scorings, or paired over seeds with one scoring), the overlap and the reliability. */
  readonly lines: readonly string[];
  /** The clause the sentence gets when the rankings are too unreliable to carry the claim. */
  readonly caveat?: string;
  /** The projection line (several scorings): what the primary task's test would take. */
  readonly projection?: string;
}

/**
 * The scoring report of a subset study: `primary` the claim's pair of conditions per task
 * with the scoring as the unit; `lines` the other tasks' tests across scorings, one line per
 * class-control pair on the primary task (the test across scorings, or with one scoring
 * `pairedText` of the paired test over seeds; every task's is in the `contrast` table), the overlap of the scorings' memorized subsets and the
 * reliability of each scoring's ranking; `projection` what the primary task would need.
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
  const [primaryTask] = study.tasks;
  const controlLines = controls
    .filter((p) => present.has(p.higher) && present.has(p.lower) && primaryTask !== undefined)
    .map((p) => `Class control on the primary task (the other tasks: the contrast table), ${several ? scoringContrast(study.table, primaryTask, { ...p, alpha }).sentence : pairedText(p, primaryTask)}.`);
  const contrasts = scoringContrasts(study, [primary], alpha);
  const others = several && contrasts.length > 1 ? [`Other tasks, across scorings: ${contrasts.slice(1).map((c) => c.sentence).join('; ')}.`] : [];
  const reliability = reliabilityLines(study);
  return {
    primary: contrasts,
    acrossScorings: several,
    lines: [...others, ...controlLines, ...overlapLines(study, sizes), ...reliability.lines],
    ...(reliability.caveat === undefined ? {} : { caveat: reliability.caveat }),
    ...(several && contrasts.length > 0 ? { projection: projectionLine(study, contrasts[0]) } : {}),
  };
}

/** What a subset finding's verdict says in its own words when its settings ask for the scoring report. */
export interface SubsetClaimWords {
  /** The claim's pair of conditions (the one the claim says scores higher first). */
  readonly pair: ConditionPair;
  readonly controls: readonly ConditionPair[];
  /** The memorized subset sizes the overlap line reports. */
  readonly sizes: readonly number[];
  /** The part's name after the task, e.g. `memorized above random across scorings`. */
  readonly partName: string;
  /** What one scoring's choice is, for the paired line, e.g. `memorized subset`. */
  readonly choice: string;
  /** The sentence: whether the primary task's test holds, that test's sentence, the caveat clause (`''` or `; ...`). */
  readonly sentence: (holds: boolean, tested: string, caveat: string) => string;
}

/**
 * A subset finding's verdict with the scoring report (`asksScoringReport`): with one
 * scoring, `seeds` (the paired test over seeds) with the control, overlap and reliability
 * lines before its sentence; with several, the test across scorings on the primary task
 * (holds when it holds), then the lines: `seeds`' own (but its sentence), the paired test
 * over seeds and scorings (not the test), the scoring report's lines, the projection and
 * the sentence.
 */
export function subsetReportVerdict<S extends SubsetSettings>(study: SubsetStudy<S>, seeds: Verdict, words: SubsetClaimWords, alpha = 0.05): Verdict {
  const paired = (p: ConditionPair, t: string) => {
    const c = pairedComparison(study.table, t, (r) => r.condition === p.higher, (r) => r.condition === p.lower, sameShareAndSeed, alpha);
    return `${t}: ${p.higher} - ${p.lower} ${c.meanDifference >= 0 ? '+' : ''}${(100 * c.meanDifference).toFixed(2)} points over ${c.n} pairs (${c.wins} of ${c.n} in favour), paired over seeds ${formatPValueText(c.pValue)}`;
  };
  const report = scoringVerdict(study, words.pair, words.controls, words.sizes, paired, alpha);
  const body = seeds.lines.slice(0, -1);
  if (!report.acrossScorings) return { ...seeds, lines: [...body, ...report.lines, seeds.sentence] };
  const [first] = report.primary;
  const holds = first?.holds === true;
  const sentence = words.sentence(holds, first?.sentence ?? 'no task', report.caveat === undefined ? '' : `; ${report.caveat}`);
  return {
    holds,
    parts: report.primary.slice(0, 1).map((c) => ({ name: `${c.task} (primary task): ${words.partName}`, holds: c.holds, sentence: c.sentence })),
    sentence,
    lines: [
      ...body,
      `Paired over seeds and scorings (not the test: each scoring's ${words.choice} is one subset): ${study.tasks.map((t) => paired(words.pair, t)).join('; ')}.`,
      ...report.lines,
      ...(report.projection === undefined ? [] : [report.projection]),
      sentence,
    ],
  };
}

/** The lines a subset finding's `describe` adds for several scorings or class controls (none by default). */
export function scoringDescription(settings: SubsetSettings): string[] {
  const scorings = scoringSeeds(settings);
  const [first] = settings.tasks;
  return [
    ...(asksScoringReport(settings) && first !== undefined ? [`primary task: ${first} (${downstreamTaskText[first]}); the verdict rests on it, the other tasks are reported beside it`] : []),
    ...(scorings.length > 1 ? [`scorings: ${scorings.length} independent scorings of the pool (reference seeds ${scorings.map((s) => s.join(', ')).join(' | ')}), each choosing its own memorized and random subsets; memorized against random is tested across scorings`] : []),
    ...(settings.controls === true ? ['class controls: a random subset with the memorized subset\'s class counts (random-matched), and the most memorized points within each class, each class keeping its share of the pool (memorized-per-class)'] : []),
  ];
}
