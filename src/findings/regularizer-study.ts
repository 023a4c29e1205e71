import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { tTest } from '../stats/t-test';
import { createRng } from '../util/rng';
import { withOverrides, type ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData } from '../design/experiment-data';
import { rankTrend, summarizeLevels, type RankTrend } from '../measure/level-summary';
import { probeEncoder } from '../measure/probe-encoder';
import { scoreSets } from '../measure/score-sets';
import { trainedEncoders, trainMissingEncoders, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Weights of the alignment regulariser notebook 08 sweeps: none, then three growing ones. */
export const defaultRegularizerWeights: readonly number[] = [0, 0.5, 1, 2];

/**
 * The config of each weight of `regularizerStudy`: weight 0 is `config` itself (the plain
 * framework; the wrapper at weight 0 gives exactly its loss), the others wrap
 * `config.objective` in the alignment regulariser (`align-reg`, `sign: 'penalize'`).
 */
export function regularizerConfigs(config: ExperimentConfig, weights: readonly number[] = defaultRegularizerWeights): Array<{ weight: number; config: ExperimentConfig }> {
  return weights.map((weight) => ({
    weight,
    config: weight === 0 ? config : withOverrides(config, { objective: { name: 'align-reg', inner: config.objective, weight } }),
  }));
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

function column(table: ColumnTable, set: string, name: string): number[] {
  return Array.from(table.filter(aq.escape((d: { set: string }) => d.set === set)).array(name) as ArrayLike<number>);
}

/**
 * Finding 8's data: for every weight of `regularizerConfigs`, one f and one g per seed
 * (all missing encoders trained first, in parallel), then per weight and seed: the mean
 * alignment loss of f on its candidates (`align_f_S_C`, what the regulariser acts on),
 * SSLMem's mean over S_C and the gap S_C - S_S, raw and range-normalised, the one-sided
 * Welch p-value of S_C > S_S, and the linear-probe accuracy of f. One row per weight and seed.
 */
export async function regularizerStudy(config: ExperimentConfig, options: Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> & { weights?: readonly number[] } = {}): Promise<ColumnTable> {
  const levels = regularizerConfigs(config, options.weights);
  for (const { config: c } of levels) await trainMissingEncoders(c, options);
  const data = await loadExperimentData(config);
  const rows: Array<Record<string, number>> = [];
  for (const { weight, config: c } of levels) {
    for (const seed of c.seeds) {
      const single = withOverrides(c, { seeds: [seed] });
      const pair = await trainedEncoders(single, { store: options.store });
      try {
        const scores = await scoreSets(single, data, pair.f, pair.g, { sets: ['S_C', 'S_S'] });
        const [cRaw, sRaw] = [column(scores, 'S_C', 'score_raw'), column(scores, 'S_S', 'score_raw')];
        const [cRange, sRange] = [column(scores, 'S_C', 'score_range'), column(scores, 'S_S', 'score_range')];
        rows.push({
          weight,
          seed,
          align_f_S_C: mean(column(scores, 'S_C', 'align_f')),
          S_C_raw: mean(cRaw),
          gap_raw: mean(cRaw) - mean(sRaw),
          S_C_range: mean(cRange),
          gap_range: mean(cRange) - mean(sRange),
          p_value: tTest(cRaw, sRaw, { alternative: 'greater' }).pValue,
          accuracy: (await probeEncoder(single, data, pair.f[0].encoder)).accuracy,
        });
      } finally {
        pair.dispose();
      }
    }
  }
  return aq.from(rows);
}

/** One row per weight: mean over seeds and standard deviation (`*_sd`) of every measured column. */
export function regularizerSummary(study: ColumnTable): ColumnTable {
  return aq.from(summarizeLevels(study, 'weight', ['align_f_S_C', 'S_C_raw', 'gap_raw', 'S_C_range', 'gap_range', 'accuracy']));
}

/** Whether a quantity falls as the weight grows: Spearman's rho between -weight and the per-seed values, one-sided permutation p. */
export type FallsWithWeight = RankTrend;

/**
 * The finding's test on a `regularizerStudy` table: do memorization (`gap_raw`, or
 * `column`) and accuracy both fall as the weight grows (Spearman's rho of -weight against
 * the per-seed values, one-sided permutation p-value, 999 permutations, seeded)? Holds
 * when both fall at `alpha`.
 */
export function regularizerVerdict(study: ColumnTable, options: { column?: string; alpha?: number; seed?: number } = {}): { memorization: FallsWithWeight; accuracy: FallsWithWeight; holds: boolean } {
  const alpha = options.alpha ?? 0.05;
  const rng = createRng(options.seed ?? 0);
  const negated = Array.from(study.array('weight') as ArrayLike<number>).map((w) => -w);
  const test = (name: string) => rankTrend(negated, Array.from(study.array(name) as ArrayLike<number>), rng.fork(name), alpha);
  const memorization = test(options.column ?? 'gap_raw');
  const accuracy = test('accuracy');
  return { memorization, accuracy, holds: memorization.falls && accuracy.falls };
}
