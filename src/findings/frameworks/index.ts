import { splitSizes } from '../../data/splits';
import type { Finding } from '../finding';
import { frameworkConfigs } from '../framework-configs';
import { frameworksFigures } from './figures';
import { frameworksPlan } from './plan';
import { frameworksSettings, type FrameworksSettings } from './settings';
import { runFrameworks, type FrameworksStudy } from './study';
import { frameworksSummary } from './summary';
import { frameworksVerdict } from './verdict';

/** What the framework comparison trains: each framework's encoder and objective, the seeds, epochs and candidates. */
function describeFrameworks(settings: FrameworksSettings): string[] {
  const { config } = settings;
  const configs = frameworkConfigs(config, settings.frameworks);
  return [
    ...Object.keys(configs).map((name) => `${name.padEnd(10)} encoder ${JSON.stringify(configs[name].encoder)}, objective ${JSON.stringify(configs[name].objective)}`),
    `${config.seeds.length} seeds per side, ${config.train.epochs} epochs, candidates: ${splitSizes(config.split.trainSize, config.split.fractions).candidate}`,
  ];
}

/** Notebook 04: SSL frameworks agree on what they memorize; supervised learning memorizes other points. */
export const frameworksFinding: Finding<FrameworksSettings, FrameworksStudy> = {
  name: 'frameworks',
  notebook: '04-frameworks-agree-supervised-differs',
  claim: 'The points most memorized by different SSL frameworks align with each other, but differ significantly from the points most memorized in supervised learning.',
  settings: frameworksSettings,
  describe: describeFrameworks,
  plan: frameworksPlan,
  run: runFrameworks,
  summary: frameworksSummary,
  figures: frameworksFigures,
  verdict: frameworksVerdict,
};

export type { FrameworksSettings } from './settings';
export type { FrameworksGallery, FrameworksStudy } from './study';
