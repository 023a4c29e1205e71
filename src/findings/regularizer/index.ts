import type { Finding } from '../finding';
import { regularizerFigures } from './figures';
import { regularizerPlan } from './plan';
import { regularizerConfigs, regularizerSettings, type RegularizerSettings } from './settings';
import { runRegularizer, type RegularizerStudy } from './study';
import { regularizerSummary } from './summary';
import { regularizerVerdict } from './verdict';

/** What the regulariser study trains: the weights, seeds, epochs, and the objective at the largest weight. */
function describeRegularizer(settings: RegularizerSettings): string[] {
  const { config, weights } = settings;
  const levels = regularizerConfigs(config, weights);
  return [`weights ${weights.join(', ')}; ${config.seeds.length} seed(s) per side, ${config.train.epochs} epochs; objective at weight ${weights[weights.length - 1]}: ${JSON.stringify(levels[levels.length - 1].config.objective)}`];
}

/** Notebook 08: regularising alignment lowers memorization and downstream accuracy together. */
export const regularizerFinding: Finding<RegularizerSettings, RegularizerStudy> = {
  name: 'regularizer',
  notebook: '08-alignment-regularizer',
  claim: 'Regularising the alignment of augmented views lowers SSLMem and the downstream accuracy together: memorization is what lets an SSL encoder generalise.',
  settings: regularizerSettings,
  describe: describeRegularizer,
  plan: regularizerPlan,
  run: runRegularizer,
  summary: regularizerSummary,
  figures: regularizerFigures,
  verdict: regularizerVerdict,
};

export type { RegularizerSettings } from './settings';
export type { RegularizerStudy } from './study';
