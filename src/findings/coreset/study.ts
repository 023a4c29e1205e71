import type { FindingRunOptions } from '../finding';
import { distinctJobs, runSubsetStudy, type SubsetStudy } from '../subset-study';
import { coresetPlan, coresetRunsOf } from './plan';
import type { CoresetSettings } from './settings';

/** What the coreset finding measured (`table`: one row per retraining, `condition (full|memorized|random), kept, size, seed` and one column per task). */
export type CoresetStudy = SubsetStudy<CoresetSettings>;

/**
 * Finding 5 (coreset): trains both stages of `coresetPlan` through one runner (the K-fold
 * references, then the subsets their scores choose), then evaluates every retraining's
 * encoder on the downstream tasks (cached per job), loading through the runner.
 */
export async function runCoreset(settings: CoresetSettings, options: FindingRunOptions = {}): Promise<CoresetStudy> {
  return runSubsetStudy(settings, {
    plan: coresetPlan,
    runsOf: coresetRunsOf,
    retrainings: (measured, minutes) => `${measured.runs.length} retrainings (${distinctJobs(measured.runs)} distinct) trained or loaded and probed in ${minutes} min`,
  }, options);
}
