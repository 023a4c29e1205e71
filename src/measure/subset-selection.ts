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

/** Options of the random selections: `stream` names a stream of draws besides the seed's own (default none: the seed's own). */
export interface SubsetDrawOptions {
  /** E.g. `scoring 1`: the draws of another scoring of the same pool. Default: the seed's own stream. */
  stream?: string;
}

function drawRng(seed: number, label: string, options: SubsetDrawOptions) {
  const rng = createRng(seed);
  return (options.stream === undefined ? rng : rng.fork(options.stream)).fork(label);
}

/**
 * `k` points of `pool` drawn at random with `seed` (sorted by id). The draw depends only on
 * the pool, `k`, the seed and `options.stream`, so a random coreset of 80% and "remove 20%
 * at random" are the same subset, and the same training.
 */
export function randomSubset(pool: ArrayLike<number>, k: number, seed: number, options: SubsetDrawOptions = {}): Int32Array {
  check(Number.isInteger(k) && k >= 0 && k <= pool.length, 'randomSubset k', `an integer in 0..${pool.length}`, String(k));
  const order = drawRng(seed, `random subset ${k} of ${pool.length}`, options).permutation(pool.length);
  return Int32Array.from(order.slice(0, k), (i) => pool[i]).sort();
}

function labelsOf(scores: ColumnTable, where: string): Array<{ id: number; label: number }> {
  check(scores.columnNames().includes('id') && scores.columnNames().includes('label'), where, 'a table with columns id and label (allPointScores)', scores.columnNames().join(', '));
  const ids = scores.array('id') as ArrayLike<number>;
  const labels = scores.array('label') as ArrayLike<number>;
  return Array.from(ids, (id, i) => ({ id, label: Number(labels[i]) }));
}

function labelled(scores: ColumnTable, column: string, where: string): Array<{ id: number; score: number; label: number }> {
  const labels = labelsOf(scores, where);
  return scored(scores, column).map((r, i) => ({ ...r, label: labels[i].label }));
}

/** Points per class among `ids` (labels from the scores table's `label` column), by class. */
export function subsetClassCounts(scores: ColumnTable, ids: ArrayLike<number>): Map<number, number> {
  const labelOf = new Map(labelsOf(scores, 'subsetClassCounts scores').map((r) => [r.id, r.label]));
  const counts = new Map<number, number>();
  Array.from(ids).forEach((id, i) => {
    const label = labelOf.get(id);
    check(label !== undefined, `subsetClassCounts ids[${i}]`, 'an id of the scores table', String(id));
    counts.set(label, (counts.get(label) ?? 0) + 1);
  });
  return new Map([...counts].sort((a, b) => a[0] - b[0]));
}

/**
 * A random subset of the scored points with the class counts of `chosen` (a class control
 * of the most memorized subset: the same class composition, points drawn at random within
 * each class with `seed` and `options.stream`), sorted by id. Needs a `label` column.
 */
export function randomWithClassCounts(scores: ColumnTable, chosen: ArrayLike<number>, seed: number, options: SubsetDrawOptions = {}): Int32Array {
  const rows = labelsOf(scores, 'randomWithClassCounts scores');
  const counts = subsetClassCounts(scores, chosen);
  const out: number[] = [];
  for (const [label, count] of counts) {
    const ids = rows.filter((r) => r.label === label).map((r) => r.id).sort((a, b) => a - b);
    const order = drawRng(seed, `class-matched subset: ${count} of ${ids.length} in class ${label}`, options).permutation(ids.length);
    for (let i = 0; i < count; i++) out.push(ids[order[i]]);
  }
  return Int32Array.from(out).sort();
}

/**
 * Points per class of a `k`-point subset that keeps each class's share of the scored points:
 * `k * n_c / n` rounded down, then the remaining points to the largest remainders (ties to
 * the lower class), by class.
 */
export function proportionalClassCounts(scores: ColumnTable, k: number): Map<number, number> {
  const n = scores.numRows();
  check(Number.isInteger(k) && k >= 0 && k <= n, 'proportionalClassCounts k', `an integer in 0..${n}`, String(k));
  const pool = subsetClassCounts(scores, scores.array('id') as ArrayLike<number>);
  const quotas = [...pool].map(([label, size]) => ({ label, count: Math.floor((k * size) / n), rest: (k * size) / n - Math.floor((k * size) / n) }));
  let left = k - quotas.reduce((a, q) => a + q.count, 0);
  for (const q of [...quotas].sort((a, b) => b.rest - a.rest || a.label - b.label)) {
    if (left === 0) break;
    q.count++;
    left--;
  }
  return new Map(quotas.map((q) => [q.label, q.count]));
}

/**
 * The most memorized points within each class (a class control of the most memorized
 * subset): `k` points in all, each class keeping its share of the scored points
 * (`proportionalClassCounts`), within a class the highest `column` (ties by lower id),
 * sorted by id. Keeping the memorized subset's own class counts instead would give back the
 * memorized subset itself: its points of a class are that class's most memorized.
 */
export function mostMemorizedPerClass(scores: ColumnTable, k: number, column = 'score_raw'): Int32Array {
  const rows = labelled(scores, column, 'mostMemorizedPerClass scores');
  check(Number.isInteger(k) && k >= 0 && k <= rows.length, 'mostMemorizedPerClass k', `an integer in 0..${rows.length}`, String(k));
  const out: number[] = [];
  for (const [label, count] of proportionalClassCounts(scores, k)) {
    const within = rows.filter((r) => r.label === label).sort((a, b) => b.score - a.score || a.id - b.id);
    for (let i = 0; i < count; i++) out.push(within[i].id);
  }
  return Int32Array.from(out).sort();
}

/** The scored points that are not in `ids`, sorted by id (the pool a removal keeps). */
export function scoredWithout(scores: ColumnTable, ids: ArrayLike<number>): Int32Array {
  check(scores.columnNames().includes('id'), 'scoredWithout scores', 'a table with an id column', scores.columnNames().join(', '));
  const drop = new Set(Array.from(ids));
  return Int32Array.from(scores.array('id') as ArrayLike<number>).filter((id) => !drop.has(id)).sort();
}

/** The size of `fraction` of `n` points, rounded to the nearest integer. */
export function subsetSize(n: number, fraction: number): number {
  check(Number.isFinite(fraction) && fraction > 0 && fraction <= 1, 'subset fraction', 'a number in (0, 1]', String(fraction));
  return Math.round(n * fraction);
}
