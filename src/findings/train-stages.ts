import { runnerOf } from '../plans/trained-encoders';
import type { Runner } from '../plans/runner';
import type { FindingPlan, FindingRunOptions, FindingSettings } from './finding';

/**
 * Trains every stage of a finding's plan through one runner, in order: each stage's jobs
 * once (the runner skips what its store has). A stage whose jobs depend on an earlier
 * stage's results is planned again once that stage has run. Returns the runner, whose
 * store holds every encoder of the plan (measurements load from it).
 */
export async function trainStages<S extends FindingSettings>(
  plan: (settings: S, options: FindingRunOptions) => Promise<FindingPlan>,
  settings: S,
  options: FindingRunOptions = {},
): Promise<Runner> {
  const runner = runnerOf(options);
  const planned = { ...options, runner };
  let stages = (await plan(settings, planned)).stages;
  for (let i = 0; i < stages.length; i++) {
    if (stages[i].jobs === undefined) stages = (await plan(settings, planned)).stages;
    const stage = stages[i];
    if (stage.jobs === undefined) {
      throw new Error(`plan stage ${stage.name}: expected its trainings once stage ${stage.after ?? 'before it'} has run, found none (the plan function left them undefined)`);
    }
    options.onStage?.(stage, i, stages.length);
    await runner.run(stage.jobs, { onEpoch: options.onEpoch, ...(options.signal ? { signal: options.signal } : {}) });
  }
  return runner;
}
