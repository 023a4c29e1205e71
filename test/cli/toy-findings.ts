// Two small findings for the tests of `sslmem finding` and `sslmem plan --finding` that do not
// depend on which findings the registry holds: a one-stage finding (f and g of one seed on a
// tiny synthetic experiment, scored) and a two-stage one whose second stage (the seed-1 pair)
// is known only once the first stage's encoders are in the run store. Not a test file itself.
import * as aq from 'arquero';
import { withOverrides, type ExperimentConfig } from '../../src/design/experiment-config';
import { preset, type PresetName } from '../../src/design/presets';
import type { Finding, FindingPlan, FindingRunOptions, FindingSettings, Verdict } from '../../src/findings/finding';
import { trainStages } from '../../src/findings/train-stages';
import { memorizationScores } from '../../src/measure/memorization-scores';
import { runnerOf } from '../../src/plans/trained-encoders';
import { sidePlan } from '../../src/plans/side-plan';
import { barFigure } from '../../src/plot/bar-figure';
import type { ColumnTable } from 'arquero';

/** A tiny synthetic experiment: 100 training images, MLP [32], 2 epochs, 2 pairs of views. */
export function toyConfig(name: PresetName, epochs = 2): ExperimentConfig {
  return withOverrides(preset(name, 'synthetic'), {
    split: { trainSize: 100, extraSize: 20 },
    encoder: { hidden: [32], outDim: 16 },
    objective: { projector: { hidden: [16], outDim: 8 } },
    train: { epochs, batchSize: 32, checkpointEpochs: [] },
    seeds: [0],
    score: { pairs: 2 },
    probe: { trainSize: 100, testSize: 40, epochs: 3 },
  });
}

export interface ToyStudy {
  readonly settings: FindingSettings;
  readonly scores: ColumnTable;
}

function means(study: ToyStudy): ColumnTable {
  return study.scores.groupby('set').rollup({ mean: aq.op.mean('score_raw'), n: aq.op.count() }).orderby('set');
}

function verdictOf(study: ToyStudy): Verdict {
  const rows = means(study).objects() as Array<{ set: string; mean: number }>;
  const mean = (set: string) => rows.find((r) => r.set === set)?.mean ?? NaN;
  const higher = mean('S_C') > mean('S_E');
  const positive = mean('S_C') > 0;
  const sentence = higher && positive ? 'The candidates score above the extra points: the claim holds.' : 'The claim is not confirmed at this scale.';
  return {
    holds: higher && positive,
    parts: [
      { name: 'higher', holds: higher, sentence: `S_C ${mean('S_C').toFixed(4)} vs S_E ${mean('S_E').toFixed(4)}` },
      { name: 'positive', holds: positive, sentence: `S_C mean ${mean('S_C').toFixed(4)}` },
    ],
    sentence,
    lines: [`mean score of S_C ${mean('S_C').toFixed(4)}, of S_E ${mean('S_E').toFixed(4)}`, sentence],
  };
}

const shared = {
  describe: (settings: FindingSettings) => [`trains f and g of seeds ${settings.config.seeds.join(', ')} for ${settings.config.train.epochs} epochs`],
  summary: (study: ToyStudy) => ({ 'set means': means(study), scores: study.scores.select('id', 'set', 'score_raw') }),
  figures: (study: ToyStudy) => [{ name: 'set-means', figure: barFigure(means(study), { x: 'set', y: 'mean', title: 'Mean score per set' }) }],
  verdict: verdictOf,
};

async function toyPlan(settings: FindingSettings): Promise<FindingPlan> {
  return { stages: [{ name: 'encoders', description: 'f and g per seed', jobs: sidePlan(settings.config) }] };
}

/** One stage: f and g of the config's seeds, then the scores. */
export const toyFinding: Finding<FindingSettings, ToyStudy> = {
  name: 'toy',
  notebook: '99-toy',
  claim: 'Candidates score above points no encoder saw.',
  settings: (name) => ({ config: toyConfig(name) }),
  plan: toyPlan,
  async run(settings, options: FindingRunOptions = {}) {
    const runner = await trainStages(toyPlan, settings, options);
    return { settings, scores: await memorizationScores(settings.config, { runner }) };
  },
  ...shared,
};

const seed1 = (config: ExperimentConfig): ExperimentConfig => withOverrides(config, { seeds: [1] });

async function stagedPlan(settings: FindingSettings, options: FindingRunOptions = {}): Promise<FindingPlan> {
  const first = sidePlan(settings.config);
  const ready = runnerOf(options).encoders.missing(first).length === 0;
  return {
    stages: [
      { name: 'first', description: 'f and g of seed 0', jobs: first },
      { name: 'second', description: 'f and g of seed 1, chosen once seed 0 is stored', after: 'first', ...(ready ? { jobs: sidePlan(seed1(settings.config)) } : {}) },
    ],
  };
}

/** Two stages: the seed-0 pair, then (known once it is stored) the seed-1 pair; scores of seed 1. */
export const toyStagedFinding: Finding<FindingSettings, ToyStudy> = {
  name: 'toy-staged',
  notebook: '99-toy-staged',
  claim: 'Candidates score above points no encoder saw, in two stages.',
  settings: (name) => ({ config: toyConfig(name) }),
  plan: stagedPlan,
  async run(settings, options: FindingRunOptions = {}) {
    const runner = await trainStages(stagedPlan, settings, options);
    return { settings, scores: await memorizationScores(seed1(settings.config), { runner }) };
  },
  ...shared,
};
