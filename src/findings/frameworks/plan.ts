import { sidePlan } from '../../plans/side-plan';
import type { FindingPlan, FindingRunOptions } from '../finding';
import { frameworkConfigs } from '../framework-configs';
import type { FrameworksSettings } from './settings';

/** One stage: one f and one g per seed of every SSL framework and of supervised training, all together. */
export async function frameworksPlan(settings: FrameworksSettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  const configs = Object.values(frameworkConfigs(settings.config, settings.frameworks));
  return { stages: [{ name: 'encoders', description: `one f and one g per seed for each of ${settings.frameworks.length} SSL framework(s) and supervised training`, jobs: configs.flatMap((c) => sidePlan(c)) }] };
}
