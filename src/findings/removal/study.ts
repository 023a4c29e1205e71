import type { FindingRunOptions } from '../finding';
import { runSubsetStudy, type SubsetStudy } from '../subset-study';
import { removalPlan, removalRunsOf } from './plan';
import type { RemovalSettings } from './settings';

/** What the removal finding measured (`table`: one row per retraining, `condition (none|memorized|random), kept, size, seed` and one column per task). */
export type RemovalStudy = SubsetStudy<RemovalSettings>;

/**
 * Finding 7 (removal): trains both stages of `removalPlan` through one runner (the K-fold
 * references, then the retrainings without memorized or random points), then evaluates
 * every retraining's encoder on the downstream tasks (cached per job), loading through
 * the runner.
 */
export async function runRemoval(settings: RemovalSettings, options: FindingRunOptions = {}): Promise<RemovalStudy> {
  return runSubsetStudy(settings, {
    plan: removalPlan,
    runsOf: removalRunsOf,
    retrainings: (measured, minutes) => `${measured.runs.length} retrainings trained or loaded and evaluated on ${settings.tasks.length} tasks in ${minutes} min`,
  }, options);
}
