import type { FindingPlan, FindingSettings, Finding, PlanStage } from '../findings/finding';
import { encoderStore } from '../plans/encoder-store';
import type { TrainingPlan } from '../plans/training-job';
import type { RunStore } from '../runs/run-store';

/** What `nextFindingStage` found: the first stage still to train, or none when the store has everything. */
export interface NextFindingStage {
  /** Every stage, as planned against the store now. */
  readonly stages: readonly PlanStage[];
  /** Index of the first stage whose jobs the store lacks (some or all); `undefined` when every stage is stored. */
  readonly index?: number;
  /** That stage's jobs the store lacks. */
  readonly missing: TrainingPlan;
}

/**
 * The first stage of a finding's plan whose trainings are not all in `store` (planned
 * against it, so a stage chosen by an earlier one's results is known once those are
 * stored). Throws when a stage's jobs are unknown although every stage before it is stored
 * (the finding's plan left them undefined).
 */
export async function nextFindingStage(
  finding: Finding<FindingSettings, unknown>,
  settings: FindingSettings,
  store: RunStore,
): Promise<NextFindingStage> {
  const plan: FindingPlan = await finding.plan(settings, { store });
  const encoders = encoderStore(store);
  for (const [index, stage] of plan.stages.entries()) {
    if (stage.jobs === undefined) {
      throw new Error(
        `finding ${finding.name}, plan stage ${stage.name}: expected its trainings once stage ${stage.after ?? 'before it'} is in the run store ${store.root}, found none (the plan left them undefined)`,
      );
    }
    const missing = encoders.missing(stage.jobs);
    if (missing.length > 0) return { stages: plan.stages, index, missing };
  }
  return { stages: plan.stages, missing: [] };
}

/** `words` as one shell command line, each word quoted where the shell would split or expand it. */
export function shellLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
