import type { ColumnTable } from 'arquero';
import { subsetJob } from '../plans/training-job';
import { formatPValueText } from '../measure/verdict-text';
import type { AllPointScoresOptions } from '../measure/all-point-scores';
import type { DownstreamSettings, DownstreamTask } from '../measure/downstream-tasks';
import type { ExperimentConfig } from '../design/experiment-config';
import { mostMemorized, randomSubset, subsetSize } from '../measure/subset-selection';
import { pairedComparison, runSubsetStudy, scoredPool, subsetSummary, type PairedComparison, type SubsetRun } from './subset-study';

/** The poster's coreset table (linear probe accuracy in %, 25k CIFAR images = 100%). */
export const posterCoreset: ReadonlyArray<{ kept: number; images: string; cifar10: number; cifar100: number; stl10: number }> = [
  { kept: 1, images: '25k (full)', cifar10: 63.3, cifar100: 61.1, stl10: 61.6 },
  { kept: 0.96, images: '24k', cifar10: 64.4, cifar100: 61.3, stl10: 61.7 },
  { kept: 0.88, images: '22k', cifar10: 63.8, cifar100: 61.8, stl10: 62.4 },
  { kept: 0.8, images: '20k', cifar10: 63.2, cifar100: 60.8, stl10: 61.1 },
  { kept: 0.64, images: '16k', cifar10: 61.8, cifar100: 58.4, stl10: 59.9 },
  { kept: 0.48, images: '12k', cifar10: 59.7, cifar100: 55.6, stl10: 55.2 },
];

/** The poster's kept shares: 100%, 96%, 88%, 80%, 64%, 48%. */
export const defaultCoresetFractions: readonly number[] = posterCoreset.map((r) => r.kept);

/** Options of `coresetStudy`. */
export interface CoresetStudyOptions extends AllPointScoresOptions {
  /** Kept shares of the pool (1 = the full pool, trained once per seed). Default the poster's. */
  fractions?: readonly number[];
  /** Retraining seeds. Default `config.seeds`. */
  seeds?: readonly number[];
  /** Downstream tasks. Default linear probe on the dataset and on Fashion-MNIST. */
  tasks?: readonly DownstreamTask[];
  settings?: DownstreamSettings;
  /** Score column that ranks the points. Default `score_raw`. */
  column?: string;
  onEvaluated?: (done: number, total: number, run: SubsetRun) => void;
}

/**
 * The retrainings of a coreset study: per seed the full pool once, and for each kept share
 * below 1 the most memorized points (by the all-point scores) and as many random points.
 */
export function coresetRuns(config: ExperimentConfig, pool: ArrayLike<number>, scores: ColumnTable, options: { fractions: readonly number[]; seeds: readonly number[]; column?: string }): SubsetRun[] {
  const runs: SubsetRun[] = [];
  for (const kept of options.fractions) {
    const size = subsetSize(pool.length, kept);
    for (const seed of options.seeds) {
      if (size === pool.length) {
        runs.push({ condition: 'full', kept: 1, size, seed, job: subsetJob(config, pool, seed, `all ${size} seed ${seed}`) });
        continue;
      }
      runs.push({ condition: 'memorized', kept, size, seed, job: subsetJob(config, mostMemorized(scores, size, options.column), seed, `top ${size} seed ${seed}`) });
      runs.push({ condition: 'random', kept, size, seed, job: subsetJob(config, randomSubset(pool, size, seed), seed, `random ${size} seed ${seed}`) });
    }
  }
  return runs;
}

/** What `coresetStudy` returns: the all-point scores it ranked by and one row per retraining. */
export interface CoresetStudy {
  readonly scores: ColumnTable;
  /** `condition (full|memorized|random), kept, size, seed` and one column per task. */
  readonly table: ColumnTable;
  readonly tasks: readonly DownstreamTask[];
}

/**
 * Finding 5 (coreset): scores every point of the pool (`allPointScores`, K folds), then
 * retrains on the most memorized points and on random points of the same size for each
 * kept share and seed (one plan, cached, in parallel), and evaluates every encoder.
 */
export async function coresetStudy(config: ExperimentConfig, options: CoresetStudyOptions = {}): Promise<CoresetStudy> {
  const tasks = options.tasks ?? (['probe', 'fashion'] as const);
  const { scores, pool } = await scoredPool(config, options);
  const runs = coresetRuns(config, pool, scores, { fractions: options.fractions ?? defaultCoresetFractions, seeds: options.seeds ?? config.seeds, column: options.column });
  const table = await runSubsetStudy(config, runs, { ...options, tasks });
  return { scores, table, tasks };
}

/** Mean and standard deviation over seeds per kept share and condition. */
export function coresetSummary(study: CoresetStudy): ColumnTable {
  return subsetSummary(study.table, study.tasks);
}

/** The coreset verdict: per task, memorized subsets against random ones of the same size and seed. */
export interface CoresetVerdict {
  readonly comparisons: readonly PairedComparison[];
  readonly holds: boolean;
  readonly sentence: string;
}

/**
 * Tests that training on the most memorized subset keeps accuracy better than a random
 * subset of the same size: per task, the differences memorized - random over every kept
 * share below 100% and seed, one-sided paired t-test. Holds when it holds on the first task.
 */
export function coresetVerdict(study: CoresetStudy, alpha = 0.05): CoresetVerdict {
  const match = (r: Record<string, unknown>) => `${r.kept}|${r.seed}`;
  const comparisons = study.tasks.map((t) => pairedComparison(study.table, t, (r) => r.condition === 'memorized', (r) => r.condition === 'random', match, alpha));
  const main = comparisons[0];
  const parts = comparisons.map(
    (c) => `${c.task}: memorized - random ${c.meanDifference >= 0 ? '+' : ''}${(100 * c.meanDifference).toFixed(2)} points on average over ${c.n} pairs (${c.wins} of ${c.n} in favour), ${formatPValueText(c.pValue)}`,
  );
  const holds = main?.holds === true;
  const sentence = `Training on the most memorized points ${holds ? 'keeps' : 'does not keep'} accuracy better than random subsets of the same size (${parts.join('; ')}): the claim ${holds ? 'holds' : 'is not confirmed'} at this scale.`;
  return { comparisons, holds, sentence };
}
