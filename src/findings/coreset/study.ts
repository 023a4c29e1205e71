import type { ColumnTable } from 'arquero';
import type { DownstreamTask } from '../../measure/downstream-tasks';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { distinctJobs, measureSubsets } from '../subset-study';
import { minutesSince } from '../minutes-since';
import { coresetPlan, coresetRunsOf } from './plan';
import type { CoresetSettings } from './settings';

/** What the coreset finding measured. */
export interface CoresetStudy {
  readonly settings: CoresetSettings;
  /** The all-point scores that ranked the pool (`allPointScores`: one row per point, with its fold). */
  readonly scores: ColumnTable;
  /** One row per retraining: `condition (full|memorized|random), kept, size, seed` and one column per task. */
  readonly table: ColumnTable;
  readonly tasks: readonly DownstreamTask[];
  /** What the run did, in the words the notebook prints: the scores (`scores`) and the retrainings (`retrainings`), with their minutes. */
  readonly lines: { readonly scores: string; readonly retrainings: string };
}

/**
 * Finding 5 (coreset): trains both stages of `coresetPlan` through one runner (the K-fold
 * references, then the subsets their scores choose), then evaluates every retraining's
 * encoder on the downstream tasks (cached per job), loading through the runner.
 */
export async function runCoreset(settings: CoresetSettings, options: FindingRunOptions = {}): Promise<CoresetStudy> {
  const started = Date.now();
  let subsetsStarted: number | undefined;
  const runner = await trainStages(coresetPlan, settings, {
    ...options,
    onStage: (stage, index, total) => {
      if (stage.name === 'subsets') subsetsStarted = Date.now();
      options.onStage?.(stage, index, total);
    },
  });
  const scored = Date.now();
  const measured = await measureSubsets(settings, coresetRunsOf, runner);
  const { folds } = settings;
  return {
    settings,
    scores: measured.scores,
    table: measured.table,
    tasks: settings.tasks,
    lines: {
      scores: `scores for ${measured.scores.numRows()} points from ${(folds + 1) * settings.config.seeds.length} encoders (per seed one f on the pool and ${folds} g's without one fold) in ${minutesSince(started, subsetsStarted ?? scored)} min`,
      retrainings: `${measured.runs.length} retrainings (${distinctJobs(measured.runs)} distinct) trained or loaded and probed in ${minutesSince(subsetsStarted ?? scored)} min`,
    },
  };
}
