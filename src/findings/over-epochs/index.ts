import { sharedEncoders } from '../../plans/encoder-run';
import { withOverrides } from '../../design/experiment-config';
import type { Finding } from '../finding';
import { scaleRegimes } from '../scale/settings';
import { overEpochsPlan } from './plan';
import { overEpochsSettings, type OverEpochsSettings } from './settings';
import { runOverEpochs, type OverEpochsStudy } from './study';
import { overEpochsSummary } from './summary';
import { overEpochsFigures } from './figures';
import { overEpochsVerdict } from './verdict';

/** The preset's split and training, and which encoders notebooks 00 and 02 share with this one. */
function describeOverEpochs(settings: OverEpochsSettings): string[] {
  const { config } = settings;
  const { shared, candidate, independent } = config.split.fractions;
  const regime = scaleRegimes(settings.preset)[0];
  return [
    `preset ${settings.preset}: ${config.split.trainSize} training points (S_S/S_C/S_I = ${shared}/${candidate}/${independent}), ${config.train.epochs} epochs, checkpoints ${config.train.checkpointEpochs.join(', ')}, seeds ${config.seeds.join(', ')}`,
    `encoders: the same ${sharedEncoders(config, withOverrides(config, regime.overrides))} as notebook 00's regime ${regime.name} and notebook 02's split seed ${config.split.seed}`,
  ];
}

/** Notebook 01: memorization keeps growing after the SSL loss and the probe accuracy have flattened. */
export const overEpochsFinding: Finding<OverEpochsSettings, OverEpochsStudy> = {
  name: 'over-epochs',
  notebook: '01-memorization-over-epochs',
  claim: 'Memorization keeps increasing while the SSL loss and the linear-probe accuracy stagnate.',
  settings: overEpochsSettings,
  describe: describeOverEpochs,
  plan: overEpochsPlan,
  run: runOverEpochs,
  summary: overEpochsSummary,
  figures: overEpochsFigures,
  verdict: overEpochsVerdict,
};
