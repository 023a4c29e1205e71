import type { ColumnTable } from 'arquero';
import { subsetJob } from '../../plans/training-job';
import { randomSubset, subsetSize, withoutMostMemorized } from '../../measure/subset-selection';
import type { ExperimentConfig } from '../../design/experiment-config';
import type { FindingPlan, FindingRunOptions } from '../finding';
import { subsetPlan, type SubsetRun } from '../subset-study';
import type { RemovalSettings } from './settings';

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

/** The removal runs of `settings` (seeds: `config.seeds`). */
export function removalRunsOf(settings: RemovalSettings, pool: Int32Array, scores: ColumnTable): SubsetRun[] {
  return removalRuns(settings.config, pool, scores, { removed: settings.removed, seeds: settings.config.seeds, column: settings.column });
}

/**
 * Every training of the removal finding, in two stages: `folds` (the K-fold references that
 * score every point of the pool) and `subsets` (per seed the full pool, and per removed
 * share the pool without its most memorized points and without as many random ones, chosen
 * by the scores: known once the references are in the store).
 */
export async function removalPlan(settings: RemovalSettings, options: FindingRunOptions = {}): Promise<FindingPlan> {
  const shares = settings.removed.map((f) => `${(100 * f).toFixed(0)}%`).join(', ');
  return subsetPlan(settings, removalRunsOf, `per seed the full pool, and the pool without its most memorized points and without as many random ones for each removed share (${shares})`, options);
}
