import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mean } from '../stats/describe';
import { tTest } from '../stats/t-test';
import { withOverrides, type ExperimentConfig } from '../design/experiment-config';
import { memorizationScores, type MemorizationScoresOptions } from '../measure/memorization-scores';

/** Options of `scoresOverSplits`. */
export interface ScoresOverSplitsOptions extends MemorizationScoresOptions {
  /** Called when the scores of one split are there. */
  onSplit?: (splitSeed: number, done: number, total: number) => void;
}

/** What `scoresOverSplits` returns. */
export interface ScoresOverSplits {
  /** Every split's scores table (see `scoreSets`) with a column `split_seed`. */
  readonly scores: ColumnTable;
  /**
   * One row per split: `split_seed, n_C, n_S, mean_S_C, mean_S_S, mean_S_I, mean_S_E, gap, t,
   * df, p_value` (raw scores; Welch, one-sided S_C > S_S).
   */
  readonly tests: ColumnTable;
}

/**
 * The experiment repeated on independent splits: for every split seed, the config with
 * `split.seed` set (its own four sets and its own encoders f and g, one per training
 * seed), its scores (cached in the run store) and the test of S_C > S_S on the raw score.
 * Replications over splits say whether a gap is a property of the method or of one draw.
 */
export async function scoresOverSplits(config: ExperimentConfig, splitSeeds: readonly number[], options: ScoresOverSplitsOptions = {}): Promise<ScoresOverSplits> {
  const tables: ColumnTable[] = [];
  const rows = [];
  for (const [k, splitSeed] of splitSeeds.entries()) {
    const table = await memorizationScores(withOverrides(config, { split: { seed: splitSeed } }), options);
    tables.push(table.assign({ split_seed: new Array<number>(table.numRows()).fill(splitSeed) }));
    const of = (set: string) => table.filter(aq.escape((d: { set: string }) => d.set === set)).array('score_raw') as number[];
    const c = of('S_C');
    const s = of('S_S');
    const test = tTest(c, s, { alternative: 'greater' });
    rows.push({
      split_seed: splitSeed,
      n_C: c.length,
      n_S: s.length,
      mean_S_C: mean(c),
      mean_S_S: mean(s),
      mean_S_I: mean(of('S_I')),
      mean_S_E: mean(of('S_E')),
      gap: mean(c) - mean(s),
      t: test.statistic,
      df: test.df,
      p_value: test.pValue,
    });
    options.onSplit?.(splitSeed, k + 1, splitSeeds.length);
  }
  return { scores: tables.reduce((a, b) => a.concat(b)), tests: aq.from(rows) };
}
