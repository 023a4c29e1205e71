import { sidePlan } from '../../plans/side-plan';
import { check } from '../../util/errors';
import type { FindingPlan, FindingRunOptions } from '../finding';
import { localizationConfigs, type LocalizationSettings } from './settings';

/** Every training of the localization finding in one stage: per framework one f and one g per seed. */
export async function localizationPlan(settings: LocalizationSettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  check(settings.frameworks.length > 0, 'localization settings.frameworks', 'at least one framework', 'none');
  const configs = localizationConfigs(settings);
  const jobs = Object.values(configs).flatMap((c) => sidePlan(c));
  return { stages: [{ name: 'encoders', description: `per framework (${settings.frameworks.join(', ')}) one f and one g per seed (${jobs.length} encoders)`, jobs }] };
}
