import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { withOverrides, type ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { probeEncoder } from '../measure/probe-encoder';
import { scoreSets } from '../measure/score-sets';
import type { Runner } from '../plans/runner';
import { sidePlan } from '../plans/side-plan';
import type { TrainingPlan } from '../plans/training-job';
import { trainedEncoders, type TrainedPair } from '../plans/trained-encoders';
import { rankTrend, type RankTrend } from '../measure/level-summary';
import { tTest } from '../stats/t-test';
import { createRng, type Rng } from '../util/rng';
import type { FindingPlan } from './finding';

/**
 * One level of a study that varies one quantity (a privacy budget, a regulariser weight):
 * the quantity's `value` and the config its encoders train with.
 */
export interface Level {
  readonly value: number;
  readonly config: ExperimentConfig;
}

/** What a level study measures of one level and seed, for its `extra` hook. */
export interface LevelSeed {
  readonly level: Level;
  readonly seed: number;
  /** The level's config with only this seed. */
  readonly config: ExperimentConfig;
  /** The data every level trains on (one split). */
  readonly data: ExperimentData;
  /** The seed's f and g, loaded from the runner's store. */
  readonly pair: TrainedPair;
  /** The scores of S_C and S_S (`scoreSets`, those two sets only). */
  readonly scores: ColumnTable;
  /** The runner the encoders were trained with (for measurements that load more). */
  readonly runner: Runner;
}

/** The columns a level study measures of every level and seed, in their default order. */
export const levelColumns = ['S_C_raw', 'S_S_raw', 'gap_raw', 'S_C_range', 'gap_range', 'p_value', 'accuracy'] as const;

/** Options of `measureLevels`. */
export interface MeasureLevelsOptions {
  /** Trained every level's encoders (`levelJobs`); they are loaded from its store and nothing is trained. */
  readonly runner: Runner;
  /** Name of the level column, e.g. `epsilon` or `weight`. */
  readonly level: string;
  /**
   * The columns of a row after the level and the seed, in order: any of `levelColumns`
   * and of the `extra` hook's; a column that neither gives for a row (e.g. `label_gap`
   * only for supervised training) is left out of that row. Default `levelColumns`.
   */
  readonly columns?: readonly string[];
  /** Linear-probe every encoder f (`accuracy`; NaN without). Default true. */
  readonly probe?: boolean;
  /** More columns of one level and seed (e.g. the noise and the epsilon spent, or an alignment loss). */
  readonly extra?: (seed: LevelSeed) => Record<string, number> | Promise<Record<string, number>>;
}

/** Every level's trainings in one plan: one f and one g per seed of each level, in level order. */
export function levelJobs(levels: readonly Level[]): TrainingPlan {
  return levels.flatMap((l) => sidePlan(l.config));
}

/**
 * A level study's plan: one stage (`encoders`) with every level's trainings together, so a
 * queue or a Slurm array trains them all at once.
 */
export function levelPlan(levels: readonly Level[], description: string): FindingPlan {
  return { stages: [{ name: 'encoders', description, jobs: levelJobs(levels) }] };
}

/**
 * Whether `column` of a level study's table falls with its level: Spearman's rho between
 * `order(level)` (larger for levels that should show more, e.g. epsilon, or minus a
 * weight) and the per-seed values, with a one-sided permutation p-value from `rng`;
 * `falls` at `alpha` (`rankTrend`).
 */
export function levelTrend(table: ColumnTable, level: string, column: string, order: (value: number) => number, rng: Rng, alpha: number): RankTrend {
  const x = Array.from(table.array(level) as ArrayLike<number>).map(order);
  return rankTrend(x, Array.from(table.array(column) as ArrayLike<number>), rng, alpha);
}

/** Whether memorization and accuracy of a level study's table both fall with its level (`levelTrends`). */
export interface LevelTrends {
  readonly memorization: RankTrend;
  readonly accuracy: RankTrend;
  readonly holds: boolean;
}

/** Options of `levelTrends`. */
export interface LevelTrendsOptions {
  /** Memorization column. Default `gap_raw` (the gap in the definition's units, comparable across models). */
  readonly column?: string;
  /** Default 0.05. */
  readonly alpha?: number;
  /** Seed of the permutations. Default 0. */
  readonly seed?: number;
}

/**
 * A level study's test (`levelTrend`, 999 permutations, seeded): do memorization
 * (`options.column`) and accuracy both fall with the level (larger `order(level)` should
 * show more)? Holds when both fall at `alpha`. The two tests draw from the forks
 * `memorizationStream` (default `memorization`) and `accuracy` of one rng.
 */
export function levelTrends(table: ColumnTable, level: string, order: (value: number) => number, options: LevelTrendsOptions & { readonly memorizationStream?: string } = {}): LevelTrends {
  const alpha = options.alpha ?? 0.05;
  const rng = createRng(options.seed ?? 0);
  const memorization = levelTrend(table, level, options.column ?? 'gap_raw', order, rng.fork(options.memorizationStream ?? 'memorization'), alpha);
  const accuracy = levelTrend(table, level, 'accuracy', order, rng.fork('accuracy'), alpha);
  return { memorization, accuracy, holds: memorization.falls && accuracy.falls };
}

/** A trend in a verdict's words: `falls as <as> (Spearman rho 0.93, one-sided p = 0.001)`, or `does not fall as ...`. */
export function trendWords(trend: RankTrend, as: string): string {
  return `${trend.falls ? 'falls' : 'does not fall'} as ${as} (Spearman rho ${trend.rho.toFixed(2)}, one-sided p = ${trend.pValue.toFixed(3)})`;
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** One set's values of one column of a `scoreSets` table. */
export function setColumn(table: ColumnTable, set: string, column: string): number[] {
  return Array.from(table.filter(aq.escape((d: { set: string }) => d.set === set)).array(column) as ArrayLike<number>);
}

/**
 * The measurements of a level study, one row per level and seed: the level's value and
 * the seed, then SSLMem's mean over S_C and S_S and their gap, raw (`*_raw`, the
 * definition) and divided by the range of the candidates' raw scores (`*_range`, the
 * paper's normalisation), the one-sided Welch p-value of S_C > S_S (`p_value`), the
 * linear-probe accuracy of f (`accuracy`) and the `extra` hook's columns, in the order of
 * `columns`. Only S_C and S_S are scored (nothing of the scoring is cached); the encoders
 * are loaded through the runner, which trains nothing when it ran `levelJobs(levels)`.
 */
export async function measureLevels(levels: readonly Level[], options: MeasureLevelsOptions): Promise<ColumnTable> {
  const { runner } = options;
  const columns = options.columns ?? levelColumns;
  const rows: Array<Record<string, number>> = [];
  // Every level trains on the same split of the same data: load it once.
  let data: ExperimentData | undefined;
  for (const level of levels) {
    for (const seed of level.config.seeds) {
      const single = withOverrides(level.config, { seeds: [seed] });
      data ??= await loadExperimentData(single);
      const pair = await trainedEncoders(single, { runner });
      try {
        const scores = await scoreSets(single, data, pair.f, pair.g, { sets: ['S_C', 'S_S'] });
        const [cRaw, sRaw] = [setColumn(scores, 'S_C', 'score_raw'), setColumn(scores, 'S_S', 'score_raw')];
        const [cRange, sRange] = [setColumn(scores, 'S_C', 'score_range'), setColumn(scores, 'S_S', 'score_range')];
        const measured: Record<string, number> = {
          S_C_raw: mean(cRaw),
          S_S_raw: mean(sRaw),
          gap_raw: mean(cRaw) - mean(sRaw),
          S_C_range: mean(cRange),
          gap_range: mean(cRange) - mean(sRange),
          p_value: tTest(cRaw, sRaw, { alternative: 'greater' }).pValue,
          accuracy: options.probe === false ? Number.NaN : (await probeEncoder(single, data, pair.f[0].encoder)).accuracy,
        };
        const extra = (await options.extra?.({ level, seed, config: single, data, pair, scores, runner })) ?? {};
        const row: Record<string, number> = { [options.level]: level.value, seed };
        for (const c of columns) {
          const v = c in extra ? extra[c] : measured[c];
          if (v !== undefined) row[c] = v;
        }
        rows.push(row);
      } finally {
        pair.dispose();
      }
    }
  }
  return aq.from(rows);
}
