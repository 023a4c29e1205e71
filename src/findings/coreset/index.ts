import type { Finding } from '../finding';
import { subsetDescription } from '../subset-study';
import { scoringDescription } from '../scoring-report';
import { coresetFigures } from './figures';
import { coresetPlan } from './plan';
import { coresetSettings, type CoresetSettings } from './settings';
import { runCoreset, type CoresetStudy } from './study';
import { coresetSummary } from './summary';
import { coresetVerdict } from './verdict';

/** Finding 5 (notebook 06): a coreset of the most memorized points. */
export const coresetFinding: Finding<CoresetSettings, CoresetStudy> = {
  name: 'coreset',
  notebook: '06-coreset',
  claim: 'Training on the most memorized points keeps downstream accuracy better than training on a random subset of the same size.',
  settings: coresetSettings,
  optionalSettings: { scorings: [[0]], controls: false },
  describe: (settings) => [subsetDescription(settings), ...scoringDescription(settings)],
  plan: coresetPlan,
  run: runCoreset,
  summary: coresetSummary,
  figures: coresetFigures,
  verdict: (study) => coresetVerdict(study),
};
