import type { ColumnTable } from 'arquero';
import { check } from '../util/errors';
import { createRng } from '../util/rng';

/** How a training subset is chosen: the most memorized points, or points at random. */
export type SubsetSelection = 'memorized' | 'random';

function scored(scores: ColumnTable, column: string): Array<{ id: number; score: number }> {
  check(scores.columnNames().includes('id') && scores.columnNames().includes(column), 'subset selection scores', `a table with columns id and ${column} (allPointScores)`, scores.columnNames().join(', '));
  const ids = scores.array('id') as ArrayLike<number>;
  const values = scores.array(column) as ArrayLike<number>;
  return Array.from(ids, (id, i) => ({ id, score: Number(values[i]) }));
}

/** The `k` points with the highest `column` (ties by lower id), sorted by id. */
export function mostMemorized(scores: ColumnTable, k: number, column = 'score_raw'): Int32Array {
  const rows = scored(scores, column);
  check(Number.isInteger(k) && k >= 0 && k <= rows.length, 'mostMemorized k', `an integer in 0..${rows.length}`, String(k));
  rows.sort((a, b) => b.score - a.score || a.id - b.id);
  return Int32Array.from(rows.slice(0, k), (r) => r.id).sort();
}

/** The scored points without the `k` most memorized ones, sorted by id. */
export function withoutMostMemorized(scores: ColumnTable, k: number, column = 'score_raw'): Int32Array {
  const top = new Set(mostMemorized(scores, k, column));
  return Int32Array.from(scored(scores, column).filter((r) => !top.has(r.id)), (r) => r.id).sort();
}

/**
 * `k` points of `pool` drawn at random with `seed` (sorted by id). The draw depends only on
 * the pool, `k` and the seed, so a random coreset of 80% and "remove 20% at random" are the
 * same subset, and the same training.
 */
export function randomSubset(pool: ArrayLike<number>, k: number, seed: number): Int32Array {
  check(Number.isInteger(k) && k >= 0 && k <= pool.length, 'randomSubset k', `an integer in 0..${pool.length}`, String(k));
  const order = createRng(seed).fork(`random subset ${k} of ${pool.length}`).permutation(pool.length);
  return Int32Array.from(order.slice(0, k), (i) => pool[i]).sort();
}

/** The size of `fraction` of `n` points, rounded to the nearest integer. */
export function subsetSize(n: number, fraction: number): number {
  check(Number.isFinite(fraction) && fraction > 0 && fraction <= 1, 'subset fraction', 'a number in (0, 1]', String(fraction));
  return Math.round(n * fraction);
}
