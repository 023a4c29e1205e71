import type { ColumnTable } from 'arquero';
import type { DownstreamTask } from '../../measure/downstream-tasks';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { measureSubsets } from '../subset-study';
import { minutesSince } from '../minutes-since';
import { removalPlan, removalRunsOf } from './plan';
import type { RemovalSettings } from './settings';

/** What the removal finding measured. */
export interface RemovalStudy {
  readonly settings: RemovalSettings;
  /** The all-point scores that ranked the pool (`allPointScores`: one row per point, with its fold). */
  readonly scores: ColumnTable;
  /** One row per retraining: `condition (none|memorized|random), kept, size, seed` and one column per task. */
  readonly table: ColumnTable;
  readonly tasks: readonly DownstreamTask[];
  /** What the run did, in the words the notebook prints: the scores (`scores`) and the retrainings (`retrainings`), with their minutes. */
  readonly lines: { readonly scores: string; readonly retrainings: string };
}

/**
 * Finding 7 (removal): trains both stages of `removalPlan` through one runner (the K-fold
 * references, then the retrainings without memorized or random points), then evaluates
 * every retraining's encoder on the downstream tasks (cached per job), loading through
 * the runner.
 */
export async function runRemoval(settings: RemovalSettings, options: FindingRunOptions = {}): Promise<RemovalStudy> {
  const started = Date.now();
  let subsetsStarted: number | undefined;
  const runner = await trainStages(removalPlan, settings, {
    ...options,
    onStage: (stage, index, total) => {
      if (stage.name === 'subsets') subsetsStarted = Date.now();
      options.onStage?.(stage, index, total);
    },
  });
  const scored = Date.now();
  const measured = await measureSubsets(settings, removalRunsOf, runner);
  const { folds } = settings;
  return {
    settings,
    scores: measured.scores,
    table: measured.table,
    tasks: settings.tasks,
    lines: {
      scores: `scores for ${measured.scores.numRows()} points from ${(folds + 1) * settings.config.seeds.length} encoders (per seed one f on the pool and ${folds} g's without one fold) in ${minutesSince(started, subsetsStarted ?? scored)} min`,
      retrainings: `${measured.runs.length} retrainings trained or loaded and evaluated on ${settings.tasks.length} tasks in ${minutesSince(subsetsStarted ?? scored)} min`,
    },
  };
}
