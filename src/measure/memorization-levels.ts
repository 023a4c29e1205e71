import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError } from '../util/errors';

/** Options of `memorizationLevels`. */
export interface MemorizationLevelsOptions {
  /** Score column the levels are read from. Default `score_range` (the poster's scale). */
  score?: string;
  /** Lower edges of the levels, increasing; the last level is open-ended. Default 0, 0.2, 0.4, 0.6, 0.8. */
  edges?: readonly number[];
  /** Which set's points get a level. Default `S_C` (the only points f saw and g did not). */
  set?: string;
  /**
   * Read the levels from the score min-max scaled over the set's points, (score - min) /
   * (max - min) in [0, 1] (kept as `level_value`): 0 is the least memorized point, 1 the
   * most. The official range normalisation divides by max - min but keeps the sign, so when
   * scores straddle 0 no point reaches the upper levels. Default false.
   */
  rescale?: boolean;
}

/** Defaults of `memorizationLevels`. */
export const defaultMemorizationLevelsOptions = { score: 'score_range' as string, edges: [0, 0.2, 0.4, 0.6, 0.8] as readonly number[], set: 'S_C', rescale: false };

/**
 * The points of one set with a memorization `level` (the poster's galleries: level 0 is
 * "no memorization", the last level ">= 0.8"): the rows of `scores` (a `scoreSets` table,
 * or any table with `set` and the score column) of `set`, with a column `level` = the label
 * of the highest edge <= the score (or its min-max rescaling, `rescale`), such as
 * `[0, 0.2)` or `>= 0.8`, and `level_index`. Points below the first edge get `< 0`.
 * Sorted by score, highest first.
 */
export function memorizationLevels(scores: ColumnTable, options: MemorizationLevelsOptions = {}): ColumnTable {
  const o = { ...defaultMemorizationLevelsOptions, ...options };
  const edges = [...o.edges];
  if (edges.length === 0 || edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= edges[i - 1]))) {
    throw new InputError('memorizationLevels: options.edges', 'increasing finite numbers', JSON.stringify(o.edges));
  }
  const label = (k: number): string => (k < 0 ? `< ${edges[0]}` : k === edges.length - 1 ? `>= ${edges[k]}` : `[${edges[k]}, ${edges[k + 1]})`);
  const levelOf = (v: number): number => {
    let k = -1;
    for (let i = 0; i < edges.length; i++) if (v >= edges[i]) k = i;
    return k;
  };
  const rows = scores.filter(aq.escape((d: { set: string }) => d.set === o.set)).orderby(aq.desc(o.score));
  const raw = Array.from(rows.array(o.score) as ArrayLike<number>);
  const lo = Math.min(...raw);
  const hi = Math.max(...raw);
  const values = o.rescale ? raw.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0)) : raw;
  const index = values.map((v) => levelOf(v));
  return rows.assign({ ...(o.rescale ? { level_value: values } : {}), level_index: index, level: index.map(label) });
}

/**
 * The `count` most (or least, with `order: 'least'`) memorized points of a set of a
 * `scoreSets` table, by one score column. Rows sorted by that score.
 */
export function extremePoints(
  scores: ColumnTable,
  count: number,
  options: { set?: string; score?: string; order?: 'most' | 'least' } = {},
): ColumnTable {
  const { set = 'S_C', score = 'score_ratio', order = 'most' } = options;
  if (!(Number.isInteger(count) && count >= 0)) throw new InputError('extremePoints: count', 'an integer >= 0', String(count));
  const rows = scores.filter(aq.escape((d: { set: string }) => d.set === set));
  return rows.orderby(order === 'most' ? aq.desc(score) : score).slice(0, count);
}
