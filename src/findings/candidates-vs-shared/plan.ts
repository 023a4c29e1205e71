import { withOverrides } from '../../design/experiment-config';
import { sidePlan } from '../../plans/side-plan';
import type { FindingPlan } from '../finding';
import type { CandidatesVsSharedSettings } from './settings';

/** One stage: one f and one g per training seed on every split. */
export async function candidatesVsSharedPlan(settings: CandidatesVsSharedSettings): Promise<FindingPlan> {
  const jobs = settings.splitSeeds.flatMap((seed) => sidePlan(withOverrides(settings.config, { split: { seed } })));
  return { stages: [{ name: 'encoders', description: `one f and one g per seed on each of ${settings.splitSeeds.length} split(s)`, jobs }] };
}
