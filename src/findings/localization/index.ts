import type { Finding } from '../finding';
import { localizationFigures } from './figures';
import { localizationPlan } from './plan';
import { localizationConfigs, localizationSettings, type LocalizationSettings } from './settings';
import { runLocalization, type LocalizationStudy } from './study';
import { localizationSummary } from './summary';
import { localizationVerdict } from './verdict';

/** What the localization finding trains: each framework's encoder and objective, then the seeds and epochs. */
function describeLocalization(settings: LocalizationSettings): string[] {
  const configs = localizationConfigs(settings);
  const { config } = settings;
  return [
    ...settings.frameworks.map((name) => `${name.padEnd(10)} encoder ${JSON.stringify(configs[name].encoder)}, objective ${JSON.stringify(configs[name].objective)}`),
    `${config.seeds.length} seed(s) per side, ${config.train.epochs} epochs`,
  ];
}

/** The follow-up paper's findings (notebook 09): where memorization lives, by layer (LayerMem) and by unit (UnitMem). */
export const localizationFinding: Finding<LocalizationSettings, LocalizationStudy> = {
  name: 'localization',
  notebook: '09-where-memorization-lives',
  claim: 'Memorization grows with depth, memorizing units sit in every layer, SSL encoders hold more of them than supervised ones, and the points that drive them are the highly memorized ones.',
  settings: localizationSettings,
  describe: describeLocalization,
  plan: localizationPlan,
  run: runLocalization,
  summary: localizationSummary,
  figures: localizationFigures,
  verdict: (study) => localizationVerdict(study),
};
