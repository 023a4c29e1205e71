import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoreReliability, withoutClassMeans, type ScoreReliability, type ScoreReliabilityOptions } from '../stats/score-reliability';
import { check } from '../util/errors';
import { perSeedScores } from './score-table';

/** Options of `rankingReliability`: those of `scoreReliability` (the labels come from the table) and the points. */
export interface RankingReliabilityOptions extends Omit<ScoreReliabilityOptions, 'labels'> {
  /** The sets whose points are ranked, e.g. `['S_C']` for the candidates (default every row). */
  readonly sets?: readonly string[];
}

/** `scoreReliability` of the points of a score table, with the seeds and sets it was measured on. */
export interface RankingReliability extends ScoreReliability {
  /** The training seeds whose per-seed scores (`raw_seed<S>`) were compared. */
  readonly seedList: readonly number[];
  /** The sets of the ranked points (absent: every row). */
  readonly sets?: readonly string[];
}

/**
 * How far the ranking of a score table's points by `score_raw` can be trusted: the
 * agreement of the training seeds' own raw scores (the table's `raw_seed<S>` columns, see
 * `scoreTable`) over the chosen points, as `scoreReliability` measures it, classes from the
 * `label` column. `score_raw` is the mean over the seeds of `align_g - align_f`, so its
 * reliability is the Spearman-Brown reliability of the K-seed mean.
 * @throws InputError when the table keeps fewer than 2 seeds' scores, or the chosen sets
 *   have fewer than 3 points.
 */
export function rankingReliability(table: ColumnTable, options: RankingReliabilityOptions = {}): RankingReliability {
  const where = 'measure/rankingReliability';
  const { sets, ...rest } = options;
  const points = sets === undefined ? table : table.filter(aq.escape((d: { set: string }) => sets.includes(d.set)));
  const { seeds, scores } = perSeedScores(points);
  check(
    seeds.length >= 2,
    `${where}: table`,
    'a score table with the per-seed raw scores (raw_seed<S> columns) of 2 or more training seeds',
    seeds.length === 0 ? 'no per-seed columns (unequal f and g counts, or a table of an older sslmem)' : `the scores of 1 seed (${seeds[0]})`,
  );
  check(points.numRows() >= 3, `${where}: options.sets`, '3 or more points to rank', `${points.numRows()} points in ${JSON.stringify(sets)}`);
  const labels = Float64Array.from(points.array('label') as ArrayLike<number>);
  return { ...scoreReliability(scores, { ...rest, labels }), seedList: seeds, ...(sets === undefined ? {} : { sets: [...sets] }) };
}

/**
 * How far the training seeds agree on the class-centred ranking of the candidates (what
 * notebooks 03 and 04 rank): the candidates' per-seed scores (`raw_seed<S>` of its score table), each seed's class means taken
 * out, through `scoreReliability` (`seed`: the bootstrap's). Undefined when
 * the table keeps fewer than 2 seeds.
 */
export function candidateReliability(table: ColumnTable, seed: number): (ScoreReliability & { readonly seedList: readonly number[] }) | undefined {
  const candidates = table.filter(aq.escape((d: { set: string }) => d.set === 'S_C'));
  const { seeds, scores } = perSeedScores(candidates);
  if (seeds.length < 2) return undefined;
  const labels = Array.from(candidates.array('label') as ArrayLike<number>);
  const centred = scores.map((values) => withoutClassMeans(values, labels));
  return { ...scoreReliability(centred, { seed }), seedList: seeds };
}
