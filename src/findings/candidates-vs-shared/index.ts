import { withOverrides } from '../../design/experiment-config';
import { scaleRegimes } from '../scale/settings';
import { sharedEncoders } from '../../plans/encoder-run';
import type { Finding } from '../finding';
import { candidatesVsSharedFigures } from './figures';
import { candidatesVsSharedPlan } from './plan';
import { candidatesVsSharedSettings, type CandidatesVsSharedSettings } from './settings';
import { runCandidatesVsShared, type CandidatesVsSharedStudy } from './study';
import { candidatesVsSharedSummary } from './summary';
import { candidatesVsSharedVerdict } from './verdict';

/** Finding 2 (notebook 02): the points only f trained on score higher than those both trained on. */
export const candidatesVsSharedFinding: Finding<CandidatesVsSharedSettings, CandidatesVsSharedStudy> = {
  name: 'candidates-vs-shared',
  notebook: '02-candidates-vs-shared',
  claim: 'SSLMem of the candidates S_C (seen by f only) is significantly higher than that of the shared points S_S, on independent splits.',
  settings: candidatesVsSharedSettings,
  describe(settings) {
    const { config, splitSeeds } = settings;
    const regime = scaleRegimes(settings.preset)[0];
    const others = splitSeeds.filter((s) => s !== config.split.seed);
    return [
      `preset ${config.name}: ${config.split.trainSize} training points, ${config.train.epochs} epochs, seeds ${config.seeds.join(', ')}, ${config.score.pairs} pairs of views per point, split seeds ${splitSeeds.join(', ')}`,
      `encoders: split seed ${config.split.seed} shares its ${sharedEncoders(config, withOverrides(config, regime.overrides))} with notebooks 00 (regime ${regime.name}), 01 and 03; splits ${others.join(' and ')} train their own (shared with 03)`,
    ];
  },
  plan: candidatesVsSharedPlan,
  run: runCandidatesVsShared,
  summary: candidatesVsSharedSummary,
  figures: candidatesVsSharedFigures,
  verdict: candidatesVsSharedVerdict,
};
