import { sidePlan } from '../../plans/side-plan';
import type { FindingPlan, FindingRunOptions } from '../finding';
import type { OverEpochsSettings } from './settings';

/** One stage: one f and one g per seed of the config (their checkpoints are measured). */
export async function overEpochsPlan(settings: OverEpochsSettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  return { stages: [{ name: 'encoders', description: 'one f and one g per seed, with checkpoints', jobs: sidePlan(settings.config) }] };
}
