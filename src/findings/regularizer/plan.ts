import type { FindingPlan, FindingRunOptions } from '../finding';
import { levelPlan } from '../level-study';
import { regularizerConfigs, type RegularizerSettings } from './settings';

/** One stage: one f and one g per seed at every weight, all weights together. */
export async function regularizerPlan(settings: RegularizerSettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  return levelPlan(regularizerConfigs(settings.config, settings.weights), `one f and one g per seed at each of ${settings.weights.length} regulariser weight(s)`);
}
