import type { FindingPlan, FindingRunOptions } from '../finding';
import { levelPlan } from '../level-study';
import { privacyLevels, type PrivacySettings } from './settings';

/** One stage: one f and one g per seed at every privacy level of every framework, all together. */
export async function privacyPlan(settings: PrivacySettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  const levels = Object.values(privacyLevels(settings)).flat();
  return levelPlan(levels, `one f and one g per seed at ${settings.epsilons.length} privacy level(s) for each of ${settings.frameworks.length} framework(s)`);
}
