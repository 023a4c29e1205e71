import { localRunner, type PlanOutcome, type Runner } from '../../src/plans/runner';
import type { TrainingPlan } from '../../src/plans/training-job';
import type { RunStore } from '../../src/runs/run-store';

/** One `runner.run(plan)` call: the plan and its outcome. */
export interface RecordedRun {
  readonly plan: TrainingPlan;
  readonly outcome: PlanOutcome;
}

/** A local runner over `store` (one worker) that records every `run` call. */
export function recordingRunner(store: RunStore): { runner: Runner; calls: RecordedRun[] } {
  const inner = localRunner({ store, workers: 1 });
  const calls: RecordedRun[] = [];
  const runner: Runner = {
    encoders: inner.encoders,
    run: async (plan, options) => {
      const outcome = await inner.run(plan, options);
      calls.push({ plan, outcome });
      return outcome;
    },
  };
  return { runner, calls };
}
