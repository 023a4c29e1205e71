import { withOverrides, type ExperimentConfig } from '../../design/experiment-config';
import { sidePlan } from '../../plans/side-plan';
import type { FindingPlan, FindingRunOptions } from '../finding';
import type { AtypicalSettings } from './settings';

/** The config of every split seed, in the settings' order. */
export function splitConfigs(settings: AtypicalSettings): ExperimentConfig[] {
  return settings.splitSeeds.map((seed) => withOverrides(settings.config, { split: { seed } }));
}

/** One stage: one f and one g per seed of every split. */
export async function atypicalPlan(settings: AtypicalSettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  const configs = splitConfigs(settings);
  return { stages: [{ name: 'encoders', description: `one f and one g per seed for each of ${configs.length} split(s)`, jobs: configs.flatMap((config) => sidePlan(config)) }] };
}
