import type { Finding } from '../finding';
import { subsetDescription } from '../subset-study';
import { scoringDescription } from '../scoring-report';
import { removalFigures } from './figures';
import { removalPlan } from './plan';
import { removalSettings, type RemovalSettings } from './settings';
import { runRemoval, type RemovalStudy } from './study';
import { removalSummary } from './summary';
import { removalVerdict } from './verdict';

/** Finding 7 (notebook 07): removing memorized points hurts downstream tasks. */
export const removalFinding: Finding<RemovalSettings, RemovalStudy> = {
  name: 'removal',
  notebook: '07-removal',
  claim: 'Removing the most memorized points from the pretraining data hurts every downstream task more than removing as many random points.',
  settings: removalSettings,
  optionalSettings: { scorings: [[0]], controls: false },
  describe: (settings) => [subsetDescription(settings), ...scoringDescription(settings)],
  plan: removalPlan,
  run: runRemoval,
  summary: removalSummary,
  figures: removalFigures,
  verdict: (study) => removalVerdict(study),
};
