import { sharedEncoders } from '../../plans/encoder-run';
import { withOverrides } from '../../design/experiment-config';
import { preset } from '../../design/presets';
import type { Finding } from '../finding';
import { scaleRegimes } from '../scale/settings';
import { overEpochsPlan } from './plan';
import { overEpochsSettings, type OverEpochsSettings } from './settings';
import { runOverEpochs, type OverEpochsStudy } from './study';
import { overEpochsSummary } from './summary';
import { overEpochsFigures } from './figures';
import { overEpochsVerdict } from './verdict';

/** The split and training, and which encoders notebook 00 shares with this one. */
function describeOverEpochs(settings: OverEpochsSettings): string[] {
  const { config } = settings;
  const { shared, candidate, independent } = config.split.fractions;
  const regime = scaleRegimes(settings.preset).find((r) => r.name === settings.regime);
  const base = preset(settings.preset, 'mnist');
  return [
    `preset ${settings.preset}, regime ${settings.regime}: ${config.split.trainSize} training points (S_S/S_C/S_I = ${shared}/${candidate}/${independent}), ${config.train.epochs} epochs, checkpoints ${config.train.checkpointEpochs.join(', ')}, seeds ${config.seeds.join(', ')}`,
    `encoders: the same ${regime === undefined ? 0 : sharedEncoders(config, withOverrides(base, regime.overrides))} as notebook 00's regime ${settings.regime}`,
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
