import type { ColumnTable } from 'arquero';
import { subsetJob } from '../../plans/training-job';
import { mostMemorized, mostMemorizedPerClass, randomSubset, randomWithClassCounts, scoredWithout, subsetSize, withoutMostMemorized } from '../../measure/subset-selection';
import type { ExperimentConfig } from '../../design/experiment-config';
import type { FindingPlan, FindingRunOptions } from '../finding';
import { checkKeptSizes, scoringStream, subsetExtrasText, subsetPlan, type SubsetRun } from '../subset-study';
import type { RemovalSettings } from './settings';

/** Options of `removalRuns`. */
export interface RemovalRunsOptions {
  /** Shares of the pool to remove. */
  removed: readonly number[];
  /** Retraining seeds. */
  seeds: readonly number[];
  /** Score column that ranks the points (default `score_raw`). */
  column?: string;
  /** The scoring whose scores these are (default 0): its random draws are `scoringStream(scoring)`'s, and only scoring 0 trains the full pool. */
  scoring?: number;
  /** Adds the class controls `random-matched` and `memorized-per-class` per removed share and seed (default false; needs a `label` column). */
  controls?: boolean;
}

/**
 * The retrainings of a removal study: per seed the full pool, and per removed share the pool
 * without its most memorized points and without as many random points (with `controls`, also
 * without as many random points with the removed points' class counts, and without the most
 * memorized points within each class). Another scoring (`scoring` > 0) gives only its own
 * removals: the full pool does not depend on it.
 */
export function removalRuns(config: ExperimentConfig, pool: ArrayLike<number>, scores: ColumnTable, options: RemovalRunsOptions): SubsetRun[] {
  const runs: SubsetRun[] = [];
  const scoring = options.scoring ?? 0;
  const stream = scoringStream(scoring);
  const tag = scoring === 0 ? '' : ` scoring ${scoring}`;
  if (scoring === 0) for (const seed of options.seeds) runs.push({ condition: 'none', kept: 1, size: pool.length, seed, scoring, job: subsetJob(config, pool, seed, `all ${pool.length} seed ${seed}`) });
  for (const removed of options.removed) {
    const k = subsetSize(pool.length, removed);
    const size = pool.length - k;
    const kept = size / pool.length;
    for (const seed of options.seeds) {
      runs.push({ condition: 'memorized', kept, size, seed, scoring, job: subsetJob(config, withoutMostMemorized(scores, k, options.column), seed, `without top ${k} seed ${seed}${tag}`) });
      runs.push({ condition: 'random', kept, size, seed, scoring, job: subsetJob(config, randomSubset(pool, size, seed, stream), seed, `random ${size} seed ${seed}${tag}`) });
      if (options.controls === true) {
        const top = mostMemorized(scores, k, options.column);
        runs.push({ condition: 'random-matched', kept, size, seed, scoring, job: subsetJob(config, scoredWithout(scores, randomWithClassCounts(scores, top, seed, stream)), seed, `without class-matched random ${k} seed ${seed}${tag}`) });
        runs.push({ condition: 'memorized-per-class', kept, size, seed, scoring, job: subsetJob(config, scoredWithout(scores, mostMemorizedPerClass(scores, k, options.column)), seed, `without top ${k} per class seed ${seed}${tag}`) });
      }
    }
  }
  return runs;
}

/** The removal runs of `settings` for one scoring (seeds: `config.seeds`). */
export function removalRunsOf(settings: RemovalSettings, pool: Int32Array, scores: ColumnTable, scoring = 0): SubsetRun[] {
  return removalRuns(settings.config, pool, scores, { removed: settings.removed, seeds: settings.config.seeds, column: settings.column, scoring, controls: settings.controls });
}

/**
 * Every training of the removal finding, in two stages: `folds` (the K-fold references that
 * score every point of the pool, of every scoring) and `subsets` (per seed the full pool,
 * and per removed share the pool without its most memorized points and without as many
 * random ones, chosen by each scoring's scores: known once the references are in the store).
 */
export async function removalPlan(settings: RemovalSettings, options: FindingRunOptions = {}): Promise<FindingPlan> {
  checkKeptSizes(settings.config, settings.removed.map((r) => 1 - r), 'removal settings.removed (as kept shares)');
  const shares = settings.removed.map((f) => `${(100 * f).toFixed(0)}%`).join(', ');
  return subsetPlan(settings, removalRunsOf, `per seed the full pool, and the pool without its most memorized points and without as many random ones for each removed share (${shares})${subsetExtrasText(settings)}`, options);
}
