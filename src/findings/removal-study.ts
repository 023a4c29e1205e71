import type { ColumnTable } from 'arquero';
import { subsetJob } from '../plans/training-job';
import type { AllPointScoresOptions } from '../measure/all-point-scores';
import { downstreamTasks, type DownstreamSettings, type DownstreamTask } from '../measure/downstream-tasks';
import type { ExperimentConfig } from '../design/experiment-config';
import { randomSubset, subsetSize, withoutMostMemorized } from '../measure/subset-selection';
import { pairedComparison, runSubsetStudy, scoredPool, subsetSummary, type PairedComparison, type SubsetRun } from './subset-study';
import { formatPValueText } from '../measure/verdict-text';

/**
 * Shares of the pool removed by default: 20% and 36%. They keep 80% and 64%, two of the
 * coreset study's shares, so the random removals are the coreset's random subsets (the same
 * trainings, shared through the run store).
 */
export const defaultRemovedFractions: readonly number[] = [0.2, 0.36];

/** Options of `removalStudy`. */
export interface RemovalStudyOptions extends AllPointScoresOptions {
  /** Shares of the pool to remove. Default 20% and 36%. */
  removed?: readonly number[];
  seeds?: readonly number[];
  /** Downstream tasks. Default all: probe, kNN, Fashion-MNIST probe, segmentation mIoU. */
  tasks?: readonly DownstreamTask[];
  settings?: DownstreamSettings;
  column?: string;
  onEvaluated?: (done: number, total: number, run: SubsetRun) => void;
}

/** The retrainings of a removal study: per seed the full pool, and per removed share the pool without its most memorized points and without as many random points. */
export function removalRuns(config: ExperimentConfig, pool: ArrayLike<number>, scores: ColumnTable, options: { removed: readonly number[]; seeds: readonly number[]; column?: string }): SubsetRun[] {
  const runs: SubsetRun[] = [];
  for (const seed of options.seeds) runs.push({ condition: 'none', kept: 1, size: pool.length, seed, job: subsetJob(config, pool, seed, `all ${pool.length} seed ${seed}`) });
  for (const removed of options.removed) {
    const k = subsetSize(pool.length, removed);
    const size = pool.length - k;
    const kept = size / pool.length;
    for (const seed of options.seeds) {
      runs.push({ condition: 'memorized', kept, size, seed, job: subsetJob(config, withoutMostMemorized(scores, k, options.column), seed, `without top ${k} seed ${seed}`) });
      runs.push({ condition: 'random', kept, size, seed, job: subsetJob(config, randomSubset(pool, size, seed), seed, `random ${size} seed ${seed}`) });
    }
  }
  return runs;
}

/** What `removalStudy` returns. */
export interface RemovalStudy {
  readonly scores: ColumnTable;
  /** `condition (none|memorized|random), kept, size, seed` and one column per task. */
  readonly table: ColumnTable;
  readonly tasks: readonly DownstreamTask[];
}

/**
 * Finding 7 (removal): scores every point of the pool, then retrains without the k most
 * memorized points and without k random points, for each removed share and seed, and
 * evaluates every encoder on the downstream tasks.
 */
export async function removalStudy(config: ExperimentConfig, options: RemovalStudyOptions = {}): Promise<RemovalStudy> {
  const tasks = options.tasks ?? downstreamTasks;
  const { scores, pool } = await scoredPool(config, options);
  const runs = removalRuns(config, pool, scores, { removed: options.removed ?? defaultRemovedFractions, seeds: options.seeds ?? config.seeds, column: options.column });
  const table = await runSubsetStudy(config, runs, { ...options, tasks });
  return { scores, table, tasks };
}

/** Mean and standard deviation over seeds per removal and condition. */
export function removalSummary(study: RemovalStudy): ColumnTable {
  return subsetSummary(study.table, study.tasks);
}

/** The removal verdict, per task and overall. */
export interface RemovalVerdict {
  readonly comparisons: readonly PairedComparison[];
  /** Tasks on which removing memorized points hurt significantly more than removing random ones. */
  readonly holdsOn: readonly DownstreamTask[];
  readonly holds: boolean;
  readonly sentence: string;
}

/**
 * Tests, per task, that removing the most memorized points hurts more than removing random
 * ones: the differences random - memorized over every removed share and seed, one-sided
 * paired t-test. Holds when it holds on every task.
 */
export function removalVerdict(study: RemovalStudy, alpha = 0.05): RemovalVerdict {
  const match = (r: Record<string, unknown>) => `${r.kept}|${r.seed}`;
  const comparisons = study.tasks.map((t) => pairedComparison(study.table, t, (r) => r.condition === 'random', (r) => r.condition === 'memorized', match, alpha));
  const holdsOn = comparisons.filter((c) => c.holds).map((c) => c.task);
  const holds = holdsOn.length === comparisons.length && comparisons.length > 0;
  const parts = comparisons.map(
    (c) => `${c.task}: random - memorized ${c.meanDifference >= 0 ? '+' : ''}${(100 * c.meanDifference).toFixed(2)} points over ${c.n} pairs (${c.wins} of ${c.n} in favour), ${formatPValueText(c.pValue)}${c.holds ? '' : ' (not significant)'}`,
  );
  const verdict = holds ? 'the claim holds at this scale on every task' : holdsOn.length > 0 ? `the claim is not confirmed at this scale: it holds on ${holdsOn.join(', ')} only` : 'the claim is not confirmed at this scale on any task';
  const sentence = `Removing the most memorized points ${holds ? 'hurts' : 'does not always hurt'} downstream tasks more than removing random ones (${parts.join('; ')}): ${verdict}.`;
  return { comparisons, holdsOn, holds, sentence };
}
