import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { describe } from '../stats/describe';
import type { TrainingJob } from '../plans/training-job';
import { jobKey } from '../plans/job-key';
import { encoderStore, type EncoderStore } from '../plans/encoder-store';
import type { Runner } from '../plans/runner';
import { foldPlan, type FoldPlan } from '../plans/fold-plan';
import { storeOf } from '../plans/trained-encoders';
import { splitSizes } from '../data/splits';
import { allPointScores } from '../measure/all-point-scores';
import { subsetSize, type SubsetDrawOptions } from '../measure/subset-selection';
import { check } from '../util/errors';
import { type DownstreamSettings, type DownstreamTask } from '../measure/downstream-tasks';
import { downstreamOfJobs } from '../measure/downstream-in-workers';
import { loadExperimentData } from '../design/experiment-data';
import type { ExperimentConfig } from '../design/experiment-config';
import type { FindingPlan, FindingRunOptions, FindingSettings } from './finding';
import { minutesSince } from './minutes-since';
import { trainStages } from './train-stages';
import { meanJobSeconds } from './training-cost';

// What the coreset and removal findings share: the K-fold references that score every point
// of the pool (stage `folds`), the retrainings those scores choose (stage `subsets`), and the
// downstream evaluation of every retraining.

/** One retraining of a subset study: which condition, how many points it keeps, the seed, and the job. */
export interface SubsetRun {
  /** E.g. `full`, `memorized`, `random`. */
  readonly condition: string;
  /** Share of the pool it trains on. */
  readonly kept: number;
  /** Points it trains on. */
  readonly size: number;
  readonly seed: number;
  /** The scoring that chose it (index into `scoringSeeds(settings)`; 0 for the default single scoring). */
  readonly scoring: number;
  readonly job: TrainingJob;
}

/** The design a subset study shares: the all-point scores that rank the pool and the downstream tasks every retraining is evaluated on (retraining seeds: `config.seeds`). */
export interface SubsetSettings extends FindingSettings {
  /** Folds K of the all-point scores (one reference encoder per fold and seed). */
  readonly folds: number;
  /** Score column that ranks the points, e.g. `score_raw`. */
  readonly column: string;
  /** Downstream tasks, in report order. */
  readonly tasks: readonly DownstreamTask[];
  /** Sizes of the downstream tasks. */
  readonly downstream: DownstreamSettings;
  /**
   * Independent scorings of the pool: the training seeds of each scoring's K-fold
   * references. Each scoring ranks the pool by its own all-point scores and chooses its own
   * memorized subsets (and its own random ones); the retraining seeds stay `config.seeds`.
   * Default: one scoring with `config.seeds`.
   */
  readonly scorings?: readonly (readonly number[])[];
  /**
   * Class controls beside the memorized and random subsets: `random-matched` (a random
   * subset with the memorized subset's class counts) and `memorized-per-class` (the most
   * memorized points within each class, each class keeping its share of the pool). Default false.
   */
  readonly controls?: boolean;
}

/**
 * The primary task of the redesigned subset studies first, then the rest: a linear probe on
 * 10 labels per class (where the 5000-label probe is saturated: a random half of the pool
 * probes as well as all of it, so no subset can move it), its kNN twin, the kNN and the
 * probe on 5000 labels, Fashion-MNIST.
 */
export const fewLabelFirstTasks: readonly DownstreamTask[] = ['few-label-probe', 'few-label-knn', 'knn', 'probe', 'fashion'];

/**
 * The independent scorings of the redesigned subset studies: three of three training seeds
 * each on the laptop (scoring 0 is `config.seeds`, so its references are every other
 * finding's), two of one seed on the quick preset (the test across scorings runs, with no
 * power).
 */
export function defaultScorings(preset: string, seeds: readonly number[]): readonly (readonly number[])[] {
  const offsets = preset === 'quick' ? [0, 1] : [0, 10, 20];
  return offsets.map((o) => seeds.map((s) => s + o));
}

/** The training seeds of each scoring's references: `settings.scorings`, or one scoring with `config.seeds`. */
export function scoringSeeds(settings: SubsetSettings): readonly (readonly number[])[] {
  const scorings = settings.scorings ?? [settings.config.seeds];
  check(Array.isArray(scorings) && scorings.length >= 1, 'subset settings scorings', 'a non-empty list of seed lists', JSON.stringify(scorings));
  scorings.forEach((seeds, i) => check(Array.isArray(seeds) && seeds.length >= 1 && seeds.every((x) => Number.isInteger(x)), `subset settings scorings[${i}]`, 'a non-empty list of integer seeds', JSON.stringify(seeds)));
  return scorings;
}

/** The experiment config of scoring `scoring`: the settings' config with that scoring's reference seeds. */
export function scoringConfig(settings: SubsetSettings, scoring: number): ExperimentConfig {
  const seeds = scoringSeeds(settings)[scoring];
  check(seeds !== undefined, 'scoringConfig scoring', `an index in 0..${scoringSeeds(settings).length - 1}`, String(scoring));
  return scoring === 0 && settings.scorings === undefined ? settings.config : { ...settings.config, seeds };
}

/** What a subset study's `subsets` stage adds to its description with several scorings or class controls ('' by default). */
export function subsetExtrasText(settings: SubsetSettings): string {
  const scorings = scoringSeeds(settings).length;
  const parts = [
    ...(scorings > 1 ? [`each chosen by ${scorings} independent scorings`] : []),
    ...(settings.controls === true ? ['with class controls (random with the memorized class counts, most memorized within each class)'] : []),
  ];
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}

/** The draws of scoring `scoring`'s random subsets: the seed's own stream for the first scoring (today's subsets), stream `scoring S` for the others. */
export function scoringStream(scoring: number): SubsetDrawOptions {
  return scoring === 0 ? {} : { stream: `scoring ${scoring}` };
}

/** The retrainings one scoring of a subset study chooses from the pool (train-split ids, sorted) and that scoring's all-point scores. */
export type SubsetRunsOf<S extends SubsetSettings> = (settings: S, pool: Int32Array, scores: ColumnTable, scoring: number) => SubsetRun[];

/** The all-point scores that chose a subset study's retrainings, and the retrainings. */
export interface ScoredRuns {
  /** The first scoring's references. */
  readonly folds: FoldPlan;
  /** The first scoring's all-point scores. */
  readonly scores: ColumnTable;
  /** Every scoring's all-point scores, in scoring order. */
  readonly scorings: readonly ColumnTable[];
  /** Every scoring's retrainings, in scoring order. */
  readonly runs: readonly SubsetRun[];
}

/** Points of the pool (`S_S + S_C + S_I` of the config's split), from the split's sizes. */
export function poolSize(config: ExperimentConfig): number {
  const sizes = splitSizes(config.split.trainSize, config.split.fractions, 'config.split.fractions');
  return sizes.shared + sizes.candidate + sizes.independent;
}

/**
 * Refuses, before anything trains, kept shares whose subsets are smaller than one training
 * batch (with `dropLast`, the default, such a subset would train no step): each share's size
 * is `subsetSize(pool, share)`.
 * @throws InputError naming the share, its size and the batch size.
 */
export function checkKeptSizes(config: ExperimentConfig, kept: readonly number[], where: string): void {
  if (config.train.dropLast === false) return;
  const pool = poolSize(config);
  kept.forEach((share, i) => {
    const size = subsetSize(pool, share);
    check(size >= config.train.batchSize, `${where}[${i}]`, `a share keeping at least one batch (${config.train.batchSize} of the ${pool} points of the pool, with dropLast)`, `${share}, which keeps ${size}`);
  });
}

/** The line a subset notebook's first cell prints: the pool, the folds, the seeds and what trains. */
export function subsetDescription(settings: SubsetSettings): string {
  const { config } = settings;
  const dataset = config.dataset.name === 'mnist' ? 'MNIST' : config.dataset.name;
  return `pool: ${poolSize(config)} ${dataset} training points (S_S + S_C + S_I of the preset's split), ${settings.folds} folds, seeds ${config.seeds.join(', ')}, ${config.train.epochs} epochs, ${config.objective.name} on an ${config.encoder.kind} encoder`;
}

/** The K-fold references of the settings' pool (per seed one f on the pool and K g's, each without one fold), of the first scoring. */
export async function subsetFolds(settings: SubsetSettings): Promise<FoldPlan> {
  return foldPlan(settings.config, await loadExperimentData(settings.config), { folds: settings.folds, seeds: scoringSeeds(settings)[0] });
}

/** The K-fold references of every scoring (`scoringSeeds`), in scoring order. */
export async function scoringFolds(settings: SubsetSettings): Promise<FoldPlan[]> {
  const data = await loadExperimentData(settings.config);
  return scoringSeeds(settings).map((seeds) => foldPlan(settings.config, data, { folds: settings.folds, seeds }));
}

/** The distinct jobs of every scoring's references (a seed two scorings share trains once), in scoring order. */
export function scoringFoldJobs(folds: readonly FoldPlan[]): TrainingJob[] {
  const seen = new Set<string>();
  return folds.flatMap((f) => f.jobs).filter((job) => {
    const key = jobKey(job);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A runner over `encoders` that trains nothing: it fails when a job is missing. */
function storedOnly(encoders: EncoderStore, where: string): Runner {
  return {
    encoders,
    run: async (plan) => {
      const missing = encoders.missing(plan);
      if (missing.length > 0) throw new Error(`${where}: expected every encoder in the run store, found ${missing.length} of ${plan.length} missing (first: ${missing[0].label})`);
      return { trained: [], reused: plan.length };
    },
  };
}

/**
 * The retrainings the all-point scores choose, once the fold references are in the store
 * of `options` (the runner's, else `options.store`); `undefined` while one is missing.
 * The scores are computed from the stored references (nothing is trained) and cached in
 * the run store.
 */
export async function scoredRuns<S extends SubsetSettings>(settings: S, folds: readonly FoldPlan[], runsOf: SubsetRunsOf<S>, options: Pick<FindingRunOptions, 'runner' | 'store'>): Promise<ScoredRuns | undefined> {
  const encoders = options.runner?.encoders ?? encoderStore(storeOf(options));
  if (encoders.missing(scoringFoldJobs(folds)).length > 0) return undefined;
  const scorings: ColumnTable[] = [];
  for (let s = 0; s < folds.length; s++) {
    scorings.push(await allPointScores(scoringConfig(settings, s), { folds: settings.folds, plan: folds[s], runner: storedOnly(encoders, 'all-point scores of a subset study') }));
  }
  const runs = folds.flatMap((f, s) => runsOf(settings, f.pool, scorings[s], s));
  return { folds: folds[0], scores: scorings[0], scorings, runs };
}

/**
 * A subset study's plan in two stages: `folds` (the K-fold references of the pool) and
 * `subsets` (the retrainings their scores choose: `jobs` undefined until every reference
 * is in the store).
 */
export async function subsetPlan<S extends SubsetSettings>(settings: S, runsOf: SubsetRunsOf<S>, what: string, options: FindingRunOptions = {}): Promise<FindingPlan> {
  const folds = await scoringFolds(settings);
  const chosen = await scoredRuns(settings, folds, runsOf, options);
  const jobs = scoringFoldJobs(folds);
  const of = folds.length === 1 ? '' : ` for ${folds.length} independent scorings`;
  return {
    stages: [
      { name: 'folds', description: `the ${settings.folds}-fold references of ${folds[0].pool.length} points${of}: per seed one f on the pool and ${settings.folds} g's without one fold (${jobs.length} encoders)`, jobs },
      { name: 'subsets', description: what, after: 'folds', ...(chosen === undefined ? {} : { jobs: chosen.runs.map((r) => r.job) }) },
    ],
  };
}

/** What a subset study measured: the scores that chose the runs, one row per run, and its lines. */
export interface SubsetMeasures {
  /** The first scoring's all-point scores. */
  readonly scores: ColumnTable;
  /** Every scoring's all-point scores, in scoring order. */
  readonly scorings: readonly ColumnTable[];
  /** `condition, kept, size, seed` and one column per task. */
  readonly table: ColumnTable;
  readonly runs: readonly SubsetRun[];
}

/**
 * Measures a subset study whose stages have run (`trainStages`): the scores and runs from
 * the runner's store, then every run's encoder on the downstream tasks (cached per job;
 * the missing ones evaluated in worker threads, `downstreamOfJobs`), loaded through the runner. One row per run: `condition, kept, size, seed` and one column
 * per task.
 */
export async function measureSubsets<S extends SubsetSettings>(settings: S, runsOf: SubsetRunsOf<S>, runner: Runner): Promise<SubsetMeasures> {
  const chosen = await scoredRuns(settings, await scoringFolds(settings), runsOf, { runner });
  const several = chosen !== undefined && chosen.scorings.length > 1;
  if (chosen === undefined) throw new Error('subset study: expected the fold references in the runner\'s store after its stages ran, found some missing');
  const store = storeOf({ runner });
  const rows: Array<Record<string, number | string>> = [];
  const results = await downstreamOfJobs(
    settings.config,
    chosen.runs.map((run) => run.job),
    { tasks: settings.tasks, settings: settings.downstream, store, load: (job) => runner.encoders.load(job) },
  );
  for (const [i, run] of chosen.runs.entries()) {
    const scores = results[i];
    rows.push({ condition: run.condition, kept: run.kept, size: run.size, seed: run.seed, ...(several ? { scoring: run.scoring } : {}), ...scores });
  }
  return { scores: chosen.scores, scorings: chosen.scorings, table: aq.from(rows), runs: chosen.runs };
}

/**
 * What a subset finding measured. `table`: one row per retraining, `condition, kept, size,
 * seed` and one column per task (the conditions are the finding's, e.g. `full|memorized|random`).
 */
export interface SubsetStudy<S extends SubsetSettings> {
  readonly settings: S;
  /** The all-point scores that ranked the pool (`allPointScores`: one row per point, with its fold); the first scoring's. */
  readonly scores: ColumnTable;
  /** Every scoring's all-point scores, in scoring order (one table with the default single scoring). */
  readonly scorings?: readonly ColumnTable[];
  /** One row per retraining: `condition, kept, size, seed` (and `scoring` with more than one scoring) and one column per task. */
  readonly table: ColumnTable;
  readonly tasks: readonly DownstreamTask[];
  /** What the run did, in the words the notebook prints: the scores (`scores`) and the retrainings (`retrainings`), with their minutes. */
  readonly lines: { readonly scores: string; readonly retrainings: string };
  /** Mean training time of the study's encoders (references and retrainings) as the run store recorded it, in seconds (NaN: unknown). */
  readonly secondsPerEncoder?: number;
  /** Distinct trainings per scoring (its references and its retrainings; the full pool counted once over all): what one more scoring costs. */
  readonly trainingsPerScoring?: number;
}

/** What a subset finding runs: its plan, the retrainings its scores choose, and its line about the retrainings. */
export interface SubsetFindingParts<S extends SubsetSettings> {
  readonly plan: (settings: S, options: FindingRunOptions) => Promise<FindingPlan>;
  readonly runsOf: SubsetRunsOf<S>;
  /** The `retrainings` line, from what was measured and the minutes since stage `subsets` started. */
  readonly retrainings: (measured: SubsetMeasures, minutes: string) => string;
}

/**
 * Runs a subset finding: trains both stages of `parts.plan` through one runner (the K-fold
 * references, then the retrainings their scores choose), then evaluates every retraining's
 * encoder on the downstream tasks (cached per job), loading through the runner
 * (`measureSubsets`). The `scores` line counts the reference encoders and the minutes until
 * stage `subsets` started; the `retrainings` line is the finding's, with the minutes since.
 */
export async function runSubsetStudy<S extends SubsetSettings>(settings: S, parts: SubsetFindingParts<S>, options: FindingRunOptions = {}): Promise<SubsetStudy<S>> {
  const started = Date.now();
  let subsetsStarted: number | undefined;
  const runner = await trainStages(parts.plan, settings, {
    ...options,
    onStage: (stage, index, total) => {
      if (stage.name === 'subsets') subsetsStarted = Date.now();
      options.onStage?.(stage, index, total);
    },
  });
  const scored = Date.now();
  const measured = await measureSubsets(settings, parts.runsOf, runner);
  const { folds } = settings;
  const scorings = scoringSeeds(settings);
  const references = scoringFoldJobs(await scoringFolds(settings));
  const encoders = scorings.length === 1 ? (folds + 1) * scorings[0].length : references.length;
  const by = scorings.length === 1 ? '' : ` by ${scorings.length} independent scorings`;
  const seen = new Set(references.map((job) => jobKey(job)));
  const retrained = measured.runs.map((r) => r.job).filter((job) => !seen.has(jobKey(job)) && (seen.add(jobKey(job)), true));
  const trained = [...references, ...retrained];
  return {
    settings,
    scores: measured.scores,
    scorings: measured.scorings,
    table: measured.table,
    tasks: settings.tasks,
    lines: {
      scores: `scores for ${measured.scores.numRows()} points${by} from ${encoders} encoders (per seed one f on the pool and ${folds} g's without one fold) in ${minutesSince(started, subsetsStarted ?? scored)} min`,
      retrainings: parts.retrainings(measured, minutesSince(subsetsStarted ?? scored)),
    },
    secondsPerEncoder: meanJobSeconds(trained, runner.encoders),
    trainingsPerScoring: trained.length / scorings.length,
  };
}

/** Distinct trainings among runs (runs shared between conditions train once). */
export function distinctJobs(runs: readonly SubsetRun[]): number {
  return new Set(runs.map((r) => jobKey(r.job))).size;
}

/** Mean and standard deviation over seeds of each task, per condition and kept share. */
export function subsetSummary(table: ColumnTable, tasks: readonly DownstreamTask[]): ColumnTable {
  const groups = new Map<string, Array<Record<string, unknown>>>();
  for (const row of table.objects() as Array<Record<string, unknown>>) {
    const key = `${row.condition}|${row.kept}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const rows = [...groups.values()].map((rs) => {
    const out: Record<string, unknown> = { condition: rs[0].condition, kept: rs[0].kept, size: rs[0].size, seeds: rs.length };
    for (const t of tasks) {
      const d = describe(rs.map((r) => Number(r[t])));
      out[`${t}_mean`] = d.mean;
      out[`${t}_std`] = rs.length > 1 ? d.std : 0;
    }
    return out;
  });
  return aq.from(rows).orderby(aq.desc('kept'), 'condition');
}
