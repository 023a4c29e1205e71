import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { describe } from '../stats/describe';
import { oneSampleTTest } from '../stats/t-test';
import type { TrainingJob } from '../plans/training-job';
import { trainingPool } from '../plans/fold-plan';
import { allPointScores, defaultFolds, type AllPointScoresOptions } from '../measure/all-point-scores';
import { loadExperimentData } from '../design/experiment-data';
import type { ExperimentConfig } from '../design/experiment-config';
import { downstreamOfJob, type DownstreamSettings, type DownstreamTask } from '../measure/downstream-tasks';
import { runnerOf, storeOf, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** One retraining of a subset study: which condition, how many points it keeps, the seed, and the job. */
export interface SubsetRun {
  /** E.g. `full`, `memorized`, `random`. */
  readonly condition: string;
  /** Share of the pool it trains on. */
  readonly kept: number;
  /** Points it trains on. */
  readonly size: number;
  readonly seed: number;
  readonly job: TrainingJob;
}

/** The pool of `config`'s split and the all-point scores that rank it (K folds, default 4), computed or from the run store. */
export async function scoredPool(config: ExperimentConfig, options: AllPointScoresOptions): Promise<{ scores: ColumnTable; pool: Int32Array }> {
  const scores = await allPointScores(config, { ...options, folds: options.folds ?? defaultFolds });
  return { scores, pool: trainingPool(await loadExperimentData(config)) };
}

/** Options of `runSubsetStudy`. */
export interface SubsetStudyRunOptions extends Omit<TrainedEncodersOptions, 'epoch'> {
  tasks: readonly DownstreamTask[];
  settings?: DownstreamSettings;
  /** Called after each evaluated run with the runs done and the total. */
  onEvaluated?: (done: number, total: number, run: SubsetRun) => void;
}

/**
 * Trains every run of a subset study (one plan: jobs shared with other studies, or
 * stored, are not trained again) and evaluates each trained encoder on the downstream
 * tasks (cached per job). One row per run: `condition, kept, size, seed` and one column
 * per task.
 */
export async function runSubsetStudy(config: ExperimentConfig, runs: readonly SubsetRun[], options: SubsetStudyRunOptions): Promise<ColumnTable> {
  const store = storeOf(options);
  const runner = runnerOf({ ...options, store });
  await runner.run(
    runs.map((r) => r.job),
    { onEpoch: options.onEpoch },
  );
  const rows: Array<Record<string, number | string>> = [];
  for (const [i, run] of runs.entries()) {
    const scores = await downstreamOfJob(config, run.job, (job) => runner.encoders.load(job), { tasks: options.tasks, settings: options.settings, store });
    rows.push({ condition: run.condition, kept: run.kept, size: run.size, seed: run.seed, ...scores });
    options.onEvaluated?.(i + 1, runs.length, run);
  }
  return aq.from(rows);
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

/** A paired comparison of two conditions over matching (kept share, seed) runs. */
export interface PairedComparison {
  readonly task: DownstreamTask;
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
  task: DownstreamTask,
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
