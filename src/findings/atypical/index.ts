import type { Finding } from '../finding';
import { atypicalPlan } from './plan';
import { atypicalSettings, type AtypicalSettings } from './settings';
import { runAtypical, type AtypicalStudy } from './study';
import { atypicalSummary } from './summary';
import { atypicalFigures } from './figures';
import { atypicalVerdict } from './verdict';

/** Which encoders the study uses: those of every split seed. */
function describeAtypical(settings: AtypicalSettings): string[] {
  const seed = settings.config.split.seed;
  const also = settings.splitSeeds.includes(seed) ? `; split seed ${seed} also those of notebooks 00 and 01` : '';
  return [`encoders: those of notebook 02 (split seeds ${settings.splitSeeds.join(', ')})${also}`];
}

/** Notebook 03: SSL memorizes atypical points most. */
export const atypicalFinding: Finding<AtypicalSettings, AtypicalStudy> = {
  name: 'atypical',
  notebook: '03-atypical-points',
  claim: 'SSL memorizes atypical data points most: the more atypical a candidate for its class, the higher its (class-centred) memorization.',
  settings: atypicalSettings,
  describe: describeAtypical,
  plan: atypicalPlan,
  run: runAtypical,
  summary: atypicalSummary,
  figures: atypicalFigures,
  verdict: atypicalVerdict,
};
