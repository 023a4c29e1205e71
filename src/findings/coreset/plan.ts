import type { ColumnTable } from 'arquero';
import { subsetJob } from '../../plans/training-job';
import { mostMemorized, mostMemorizedPerClass, randomSubset, randomWithClassCounts, subsetSize } from '../../measure/subset-selection';
import type { ExperimentConfig } from '../../design/experiment-config';
import type { FindingPlan, FindingRunOptions } from '../finding';
import { checkKeptSizes, scoringStream, subsetExtrasText, subsetPlan, type SubsetRun } from '../subset-study';
import type { CoresetSettings } from './settings';

/** Options of `coresetRuns`. */
export interface CoresetRunsOptions {
  /** Kept shares of the pool (1: the full pool). */
  fractions: readonly number[];
  /** Retraining seeds. */
  seeds: readonly number[];
  /** Score column that ranks the points (default `score_raw`). */
  column?: string;
  /** The scoring whose scores these are (default 0): its random draws are `scoringStream(scoring)`'s, and only scoring 0 trains the full pool. */
  scoring?: number;
  /** Adds the class controls `random-matched` and `memorized-per-class` per kept share and seed (default false; needs a `label` column). */
  controls?: boolean;
}

/**
 * The retrainings of a coreset study: per seed the full pool once, and for each kept share
 * below 1 the most memorized points (by the all-point scores) and as many random points
 * (with `controls`, also as many random points with the memorized subset's class counts and
 * the most memorized points within each class). Another scoring (`scoring` > 0) gives only
 * its own memorized, random and control subsets: the full pool does not depend on it.
 */
export function coresetRuns(config: ExperimentConfig, pool: ArrayLike<number>, scores: ColumnTable, options: CoresetRunsOptions): SubsetRun[] {
  const runs: SubsetRun[] = [];
  const scoring = options.scoring ?? 0;
  const stream = scoringStream(scoring);
  const tag = scoring === 0 ? '' : ` scoring ${scoring}`;
  for (const kept of options.fractions) {
    const size = subsetSize(pool.length, kept);
    for (const seed of options.seeds) {
      if (size === pool.length) {
        if (scoring === 0) runs.push({ condition: 'full', kept: 1, size, seed, scoring, job: subsetJob(config, pool, seed, `all ${size} seed ${seed}`) });
        continue;
      }
      const top = mostMemorized(scores, size, options.column);
      runs.push({ condition: 'memorized', kept, size, seed, scoring, job: subsetJob(config, top, seed, `top ${size} seed ${seed}${tag}`) });
      runs.push({ condition: 'random', kept, size, seed, scoring, job: subsetJob(config, randomSubset(pool, size, seed, stream), seed, `random ${size} seed ${seed}${tag}`) });
      if (options.controls === true) {
        runs.push({ condition: 'random-matched', kept, size, seed, scoring, job: subsetJob(config, randomWithClassCounts(scores, top, seed, stream), seed, `class-matched random ${size} seed ${seed}${tag}`) });
        runs.push({ condition: 'memorized-per-class', kept, size, seed, scoring, job: subsetJob(config, mostMemorizedPerClass(scores, size, options.column), seed, `top ${size} per class seed ${seed}${tag}`) });
      }
    }
  }
  return runs;
}

/** The coreset runs of `settings` for one scoring (seeds: `config.seeds`). */
export function coresetRunsOf(settings: CoresetSettings, pool: Int32Array, scores: ColumnTable, scoring = 0): SubsetRun[] {
  return coresetRuns(settings.config, pool, scores, { fractions: settings.fractions, seeds: settings.config.seeds, column: settings.column, scoring, controls: settings.controls });
}

/**
 * Every training of the coreset finding, in two stages: `folds` (the K-fold references that
 * score every point of the pool, of every scoring) and `subsets` (per kept share and seed the
 * most memorized points and as many random ones, chosen by each scoring's scores: known once
 * the references are in the store; the scores are then cached in the run store).
 */
export async function coresetPlan(settings: CoresetSettings, options: FindingRunOptions = {}): Promise<FindingPlan> {
  checkKeptSizes(settings.config, settings.fractions, 'coreset settings.fractions');
  const shares = settings.fractions.map((f) => `${(100 * f).toFixed(0)}%`).join(', ');
  return subsetPlan(settings, coresetRunsOf, `per seed the full pool, and the most memorized points and as many random ones for each kept share (${shares})${subsetExtrasText(settings)}`, options);
}

