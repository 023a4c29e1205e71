import { splitSizes } from '../../data/splits';
import { withObjective } from '../../design/experiment-config';
import type { Finding } from '../finding';
import { privacyFigures } from './figures';
import { privacyPlan } from './plan';
import { privacyConfigs, privacySettings, type PrivacySettings } from './settings';
import { runPrivacy, type PrivacyStudy } from './study';
import { privacySummary } from './summary';
import { privacyVerdict } from './verdict';

/** What the privacy study trains: each framework's encoder and objective under DP (per-example norms), the epsilons, seeds, epochs and candidates. */
function describePrivacy(settings: PrivacySettings): string[] {
  const { config } = settings;
  const lines = settings.frameworks.map((name) => {
    const level = privacyConfigs(withObjective(config, name), [8], settings.dp)[0].config;
    return `${name}: encoder ${JSON.stringify(level.encoder)}, objective ${JSON.stringify(level.objective)}`;
  });
  lines.push(`epsilons ${settings.epsilons.map(String).join(', ')}; ${config.seeds.length} seeds per side, ${config.train.epochs} epochs, candidates: ${splitSizes(config.split.trainSize, config.split.fractions).candidate}`);
  return lines;
}

/** Notebook 05: differential privacy lowers memorization and accuracy together. */
export const privacyFinding: Finding<PrivacySettings, PrivacyStudy> = {
  name: 'privacy',
  notebook: '05-differential-privacy',
  claim: 'Training with differential privacy lowers SSLMem and the downstream accuracy together.',
  settings: privacySettings,
  describe: describePrivacy,
  plan: privacyPlan,
  run: runPrivacy,
  summary: privacySummary,
  figures: privacyFigures,
  verdict: privacyVerdict,
};

export type { PrivacySettings } from './settings';
export type { PrivacyStudy } from './study';
