import type { PlanStage } from '../findings/finding';
import type { JobMessage } from '../plans/runner';
import { trainingPlan, type RunContext, type TrainingPlanProgress } from './run-context';

/** Progress of `finding.run` on stderr: `onStage` and `onEpoch` for its options, `finish` when it ends. */
export interface FindingProgress {
  onStage(stage: PlanStage, index: number, total: number): void;
  onEpoch(message: JobMessage): void;
  /** Ends the current stage's progress (its training time noted unless `failed`). */
  finish(options?: { failed?: boolean }): void;
}

/**
 * The training progress of a finding, stage by stage: when a stage starts (of several, its
 * name and what it trains), how many of its encoders train and how many the run store
 * has, then per epoch the bar or line with the ETA of `sslmem score` (`trainingPlan`).
 */
export function findingProgress(ctx: RunContext): FindingProgress {
  let current: TrainingPlanProgress | undefined;
  return {
    onStage(stage, index, total) {
      current?.finish();
      if (total > 1) ctx.line.log(`stage ${index + 1}/${total} (${stage.name}): ${stage.description}`);
      current = trainingPlan(ctx, stage.jobs ?? []);
    },
    onEpoch(message) {
      current?.onEpoch(message);
    },
    finish(options = {}) {
      current?.finish(options);
      current = undefined;
    },
  };
}
