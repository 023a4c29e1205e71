import { check } from '../util/errors';
import type { Rng } from '../util/rng';
import type { Sample } from './describe';
import { pearson, ranks } from './rank-correlation';

/** Indices of the `k` largest values (ties broken by the lower index), as a set. */
export function topKIndices(values: Sample, k: number): Set<number> {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  return new Set(order.slice(0, k));
}

/** Size of the top `fraction` of `n` points: `max(1, round(fraction n))`. */
export function topKSize(n: number, fraction: number): number {
  check(fraction > 0 && fraction <= 1, 'stats/topKSize fraction', 'a number in (0, 1]', String(fraction));
  return Math.max(1, Math.round(fraction * n));
}

function jaccardOfSets(a: Set<number>, b: Set<number>): number {
  let both = 0;
  for (const i of a) if (b.has(i)) both++;
  return both / (a.size + b.size - both);
}

/** Jaccard index `|A n B| / |A u B|` of the top `fraction` points of `a` and of `b` (the same points in the same order). */
export function topKJaccard(a: Sample, b: Sample, fraction: number): number {
  check(a.length === b.length && a.length >= 2, 'stats/topKJaccard', 'two samples of equal length >= 2', `${a.length} and ${b.length}`);
  const k = topKSize(a.length, fraction);
  return jaccardOfSets(topKIndices(a, k), topKIndices(b, k));
}

/** A one-sided Monte-Carlo permutation test of an association between two samples. */
export interface PermutationTest {
  /** The statistic on the data. */
  readonly observed: number;
  /** Its mean over the permutations: what chance gives. */
  readonly chance: number;
  /** `(1 + #{permuted >= observed}) / (1 + permutations)`. */
  readonly pValue: number;
  readonly permutations: number;
}

function permutationTest(n: number, statistic: (perm: Int32Array | null) => number, permutations: number, rng: Rng): PermutationTest {
  check(Number.isInteger(permutations) && permutations >= 1, 'stats/permutation test permutations', 'an integer >= 1', String(permutations));
  const observed = statistic(null);
  let above = 0;
  let sum = 0;
  for (let p = 0; p < permutations; p++) {
    const value = statistic(rng.fork(p).permutation(n));
    sum += value;
    if (value >= observed - 1e-12) above++;
  }
  return { observed, chance: sum / permutations, pValue: (1 + above) / (1 + permutations), permutations };
}

/**
 * Is the top-`fraction` overlap (Jaccard) of `a` and `b` above chance? The points of `b`
 * are shuffled `permutations` times (from `rng`); one-sided p-value.
 */
export function topKJaccardTest(a: Sample, b: Sample, fraction: number, options: { permutations?: number; rng: Rng }): PermutationTest {
  check(a.length === b.length && a.length >= 2, 'stats/topKJaccardTest', 'two samples of equal length >= 2', `${a.length} and ${b.length}`);
  const k = topKSize(a.length, fraction);
  const topA = topKIndices(a, k);
  const order = Array.from({ length: b.length }, (_, i) => i).sort((x, y) => b[y] - b[x] || x - y).slice(0, k);
  return permutationTest(
    a.length,
    (perm) => jaccardOfSets(topA, new Set(perm === null ? order : order.map((i) => perm[i]))),
    options.permutations ?? 999,
    options.rng,
  );
}

/** Is Spearman's rho of `a` and `b` above chance? Ranks of `b` shuffled `permutations` times; one-sided p-value. */
export function spearmanPermutationTest(a: Sample, b: Sample, options: { permutations?: number; rng: Rng }): PermutationTest {
  check(a.length === b.length && a.length >= 4, 'stats/spearmanPermutationTest', 'two samples of equal length >= 4', `${a.length} and ${b.length}`);
  const ra = ranks(a);
  const rb = ranks(b);
  const shuffled = new Float64Array(rb.length);
  return permutationTest(
    a.length,
    (perm) => {
      if (perm === null) return pearson(ra, rb);
      for (let i = 0; i < perm.length; i++) shuffled[i] = rb[perm[i]];
      return pearson(ra, shuffled);
    },
    options.permutations ?? 999,
    options.rng,
  );
}

/** A percentile bootstrap interval of a statistic of resampled points. */
export interface BootstrapInterval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** Fraction of resamples with the statistic <= 0 (one-sided evidence against "> 0"). */
  readonly pValue: number;
  readonly resamples: number;
  /** Confidence level of [low, high]. */
  readonly level: number;
}

/**
 * Bootstrap over `n` points: `statistic(indices)` on the data (`0..n-1`) and on
 * `resamples` resamples drawn with replacement from `rng`; the percentile interval at
 * `level` and the share of resamples at or below 0.
 */
export function bootstrapInterval(n: number, statistic: (indices: Int32Array) => number, options: { resamples?: number; level?: number; rng: Rng }): BootstrapInterval {
  const resamples = options.resamples ?? 999;
  const level = options.level ?? 0.99;
  check(n >= 2, 'stats/bootstrapInterval n', 'at least 2 points', String(n));
  const estimate = statistic(Int32Array.from({ length: n }, (_, i) => i));
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const rng = options.rng.fork(r);
    values.push(statistic(Int32Array.from({ length: n }, () => rng.int(n))));
  }
  values.sort((x, y) => x - y);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))];
  return { estimate, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2), pValue: values.filter((v) => v <= 0).length / resamples, resamples, level };
}
