import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { splitSizes } from '../data/splits';
import { tTest } from '../stats/t-test';
import { planDp } from '../train/dp-options';
import { createRng } from '../util/rng';
import { experimentDataSizes, withOverrides, type ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { labelMemorization } from '../measure/label-memorization';
import { rankTrend, summarizeLevels, type RankTrend } from '../measure/level-summary';
import { scoreSets } from '../measure/score-sets';
import { privateParts, resolveExperimentDp, type ExperimentDp } from '../design/privacy-config';
import { probeEncoder } from '../measure/probe-encoder';
import { epsilonSpent } from '../plans/train-side';
import { trainedEncoders, trainMissingEncoders, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Options of `privacyStudy`. */
export interface PrivacyStudyOptions extends Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> {
  /** Target epsilons; `Infinity` trains without DP (same architecture). Default `[Infinity, 20, 8, 2]`. */
  readonly epsilons?: readonly number[];
  /** DP-SGD settings besides epsilon (clip, delta, sampling, method). Default: `config.dp`'s, else the defaults. */
  readonly dp?: Omit<ExperimentDp, 'epsilon' | 'noise'>;
  /** Linear-probe every encoder f. Default true. */
  readonly probe?: boolean;
}

/** The default privacy levels: no DP, the poster's 20 and 8, and a strong 2. */
export const defaultStudyEpsilons: readonly number[] = [Infinity, 20, 8, 2];

/**
 * The config each privacy level of `privacyStudy` trains with: `config` with its batch norm
 * switched to per-example norms (`privateParts`, for every level, so that only DP-SGD
 * differs) and `dp.epsilon` set; `Infinity` has no `dp`.
 */
export function privacyConfigs(config: ExperimentConfig, epsilons: readonly number[] = defaultStudyEpsilons, dp: Omit<ExperimentDp, 'epsilon' | 'noise'> = {}): Array<{ epsilon: number; config: ExperimentConfig }> {
  const { dp: _, ...plain } = config;
  const base: ExperimentConfig = { ...plain, ...privateParts(config, experimentDataSizes(config).shape) };
  const settings = { ...(config.dp === undefined ? {} : { clip: config.dp.clip, delta: config.dp.delta, sampling: config.dp.sampling, method: config.dp.method }), ...dp };
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  return epsilons.map((epsilon) => ({ epsilon, config: epsilon === Infinity ? withOverrides(base, {}) : withOverrides(base, { dp: { ...defined, epsilon } }) }));
}

/** Means of one set's scores in `table` (column `column`). */
function meanOf(table: ColumnTable, set: string, column: string): number[] {
  return Array.from(table.filter(aq.escape((d: { set: string }) => d.set === set)).array(column) as ArrayLike<number>);
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Finding 6's data: every privacy level of `privacyConfigs` trains one f and one g per
 * seed (all missing encoders first, in parallel workers), then per level and seed (scoring
 * S_C and S_S only; nothing of the scoring is cached): the
 * noise multiplier DP-SGD used and the epsilon the encoder f spent; SSLMem's mean over
 * S_C and S_S and their gap, raw (`*_raw`, the definition) and divided by the range of the
 * candidates' raw scores (`*_range`, the paper's normalisation); the one-sided Welch
 * p-value of S_C > S_S; the linear-probe accuracy of f; and for supervised training the
 * gap of label memorization (`label_gap`). One row per level and seed.
 */
export async function privacyStudy(config: ExperimentConfig, options: PrivacyStudyOptions = {}): Promise<ColumnTable> {
  const levels = privacyConfigs(config, options.epsilons ?? defaultStudyEpsilons, options.dp);
  for (const { config: c } of levels) await trainMissingEncoders(c, options);
  let data: ExperimentData | undefined;
  const rows: Array<Record<string, number>> = [];
  for (const { epsilon, config: c } of levels) {
    for (const seed of c.seeds) {
      const single = withOverrides(c, { seeds: [seed] });
      data ??= await loadExperimentData(c);
      const pair = await trainedEncoders(single, { store: options.store });
      try {
        // Only the two sets the gap needs (the range normalisation uses S_C either way).
        const scores = await scoreSets(single, data, pair.f, pair.g, { sets: ['S_C', 'S_S'] });
        const [candRaw, sharedRaw] = [meanOf(scores, 'S_C', 'score_raw'), meanOf(scores, 'S_S', 'score_raw')];
        const [candRange, sharedRange] = [meanOf(scores, 'S_C', 'score_range'), meanOf(scores, 'S_S', 'score_range')];
        const model = pair.f[0];
        const accuracy = options.probe === false ? Number.NaN : (await probeEncoder(single, data, model.encoder)).accuracy;
        const row: Record<string, number> = {
          epsilon,
          seed,
          noise: noiseOf(single),
          epsilon_spent: epsilonSpent(model) ?? Infinity,
          S_C_raw: mean(candRaw),
          S_S_raw: mean(sharedRaw),
          gap_raw: mean(candRaw) - mean(sharedRaw),
          S_C_range: mean(candRange),
          gap_range: mean(candRange) - mean(sharedRange),
          p_value: tTest(candRaw, sharedRaw, { alternative: 'greater' }).pValue,
          accuracy,
        };
        if (c.objective.name === 'supervised') {
          const labels = await labelMemorization(single, options);
          row.label_gap = mean(meanOf(labels, 'S_C', 'score')) - mean(meanOf(labels, 'S_S', 'score'));
        }
        rows.push(row);
      } finally {
        pair.dispose();
      }
    }
  }
  return aq.from(rows);
}

/** The noise multiplier DP-SGD trains encoder f of `config` with (0 without DP). */
function noiseOf(config: ExperimentConfig): number {
  if (config.dp === undefined) return 0;
  const sizes = splitSizes(config.split.trainSize, config.split.fractions);
  return planDp(resolveExperimentDp(config.dp), { dataSize: sizes.shared + sizes.candidate, batchSize: config.train.batchSize, epochs: config.train.epochs, dropLast: true }).noise;
}

/**
 * One row per privacy level of a `privacyStudy` table: the mean over seeds and the
 * standard deviation (`*_sd`, for error bars) of the S_C score, the gap and the accuracy,
 * with the mean epsilon spent and the noise.
 */
export function privacySummary(study: ColumnTable): ColumnTable {
  const columns = ['S_C_range', 'gap_range', 'S_C_raw', 'gap_raw', 'accuracy', ...(study.columnNames().includes('label_gap') ? ['label_gap'] : [])];
  const rows = summarizeLevels(study, 'epsilon', columns).map(({ epsilon, seeds, ...stats }) => {
    const part = study.filter(aq.escape((d: { epsilon: number }) => d.epsilon === epsilon));
    return { epsilon, seeds, noise: part.get('noise', 0) as number, epsilon_spent: mean(part.array('epsilon_spent') as number[]), ...stats };
  });
  return aq.from(rows);
}

/** Whether a quantity falls as epsilon falls: Spearman's rho between epsilon and the per-seed values, one-sided permutation p-value. */
export type FallsWithEpsilon = RankTrend;

/**
 * The finding's test on a `privacyStudy` table: does memorization (`gap_raw`, the gap in
 * the definition's units, comparable across models; or `column`) fall as epsilon falls,
 * and does accuracy? Each is Spearman's rho between the
 * level's epsilon (Infinity highest) and the per-seed values, with a one-sided permutation
 * p-value (999 permutations, seeded); the finding holds when both fall at `alpha`.
 */
export function privacyVerdict(study: ColumnTable, options: { column?: string; alpha?: number; seed?: number } = {}): { memorization: FallsWithEpsilon; accuracy: FallsWithEpsilon; holds: boolean } {
  const alpha = options.alpha ?? 0.05;
  const rng = createRng(options.seed ?? 0);
  const epsilons = Array.from(study.array('epsilon') as ArrayLike<number>).map((e) => (e === Infinity ? Number.MAX_VALUE : e));
  const test = (column: string, fork: string): FallsWithEpsilon => rankTrend(epsilons, Array.from(study.array(column) as ArrayLike<number>), rng.fork(fork), alpha);
  const memorization = test(options.column ?? 'gap_raw', 'memorization');
  const accuracy = test('accuracy', 'accuracy');
  return { memorization, accuracy, holds: memorization.falls && accuracy.falls };
}
