import type { ColumnTable } from 'arquero';
import { subsetJob } from '../../plans/training-job';
import { mostMemorized, randomSubset, subsetSize } from '../../measure/subset-selection';
import type { ExperimentConfig } from '../../design/experiment-config';
import type { FindingPlan, FindingRunOptions } from '../finding';
import { subsetPlan, type SubsetRun } from '../subset-study';
import type { CoresetSettings } from './settings';

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

/** The coreset runs of `settings` (seeds: `config.seeds`). */
export function coresetRunsOf(settings: CoresetSettings, pool: Int32Array, scores: ColumnTable): SubsetRun[] {
  return coresetRuns(settings.config, pool, scores, { fractions: settings.fractions, seeds: settings.config.seeds, column: settings.column });
}

/**
 * Every training of the coreset finding, in two stages: `folds` (the K-fold references that
 * score every point of the pool) and `subsets` (per kept share and seed the most memorized
 * points and as many random ones, chosen by the scores: known once the references are in
 * the store; the scores are then cached in the run store).
 */
export async function coresetPlan(settings: CoresetSettings, options: FindingRunOptions = {}): Promise<FindingPlan> {
  const shares = settings.fractions.map((f) => `${(100 * f).toFixed(0)}%`).join(', ');
  return subsetPlan(settings, coresetRunsOf, `per seed the full pool, and the most memorized points and as many random ones for each kept share (${shares})`, options);
}
