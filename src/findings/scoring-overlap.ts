import { mostMemorized } from '../measure/subset-selection';
import type { ColumnTable } from 'arquero';
import { check } from '../util/errors';

/** How much the memorized subsets of independent scorings agree, for one subset size. */
export interface ScoringOverlap {
  /** Points of each scoring's most memorized subset. */
  readonly points: number;
  /** Pairs of scorings compared. */
  readonly pairs: number;
  /** Mean over pairs of scorings of the Jaccard index `|A n B| / |A u B|` of their most memorized subsets (NaN with one scoring). */
  readonly jaccard: number;
  readonly min: number;
  readonly max: number;
  /** Expected Jaccard index of two random subsets of this size, `k / (2n - k)` to first order: what agreement by chance alone gives. */
  readonly chance: number;
}

function jaccard(a: Int32Array, b: Int32Array): number {
  const inA = new Set(a);
  let both = 0;
  for (const id of b) if (inA.has(id)) both++;
  const union = a.length + b.length - both;
  return union === 0 ? 1 : both / union;
}

/**
 * Whether independent scorings pick the same points: for each subset size `k`, the
 * `k` most memorized points of each scoring (`mostMemorized` on its all-point scores) and
 * the mean, min and max Jaccard index over every pair of scorings, beside the chance level
 * of two random subsets. The scorings must score the same pool.
 * @throws InputError when the scorings score different numbers of points.
 */
export function scoringOverlap(scorings: readonly ColumnTable[], sizes: readonly number[], column = 'score_raw'): ScoringOverlap[] {
  check(scorings.length >= 1, 'scoringOverlap scorings', 'at least one scores table', '0');
  const n = scorings[0].numRows();
  scorings.forEach((s, i) => check(s.numRows() === n, `scoringOverlap scorings[${i}]`, `${n} scored points (as scorings[0])`, String(s.numRows())));
  return [...new Set(sizes)].map((k) => {
    const tops = scorings.map((s) => mostMemorized(s, k, column));
    const js: number[] = [];
    for (let i = 0; i < tops.length; i++) for (let j = i + 1; j < tops.length; j++) js.push(jaccard(tops[i], tops[j]));
    const mean = js.length > 0 ? js.reduce((a, b) => a + b, 0) / js.length : Number.NaN;
    return { points: k, pairs: js.length, jaccard: mean, min: js.length > 0 ? Math.min(...js) : Number.NaN, max: js.length > 0 ? Math.max(...js) : Number.NaN, chance: n === 0 ? Number.NaN : k / (2 * n - k) };
  });
}
