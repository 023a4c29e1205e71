import { InputError } from '../util/errors';
import { createRng } from '../util/rng';
import { mean, quantile, type Sample } from './describe';
import { pearson, spearman } from './rank-correlation';

/** Options of `scoreReliability`. */
export interface ScoreReliabilityOptions {
  /** Class of every point (length n): adds the within-class correlation and the class share. */
  readonly labels?: ArrayLike<number>;
  /** Bootstrap resamples of the points for the interval of the reliability (default 1000; 0: none). */
  readonly bootstrap?: number;
  /** Coverage of the bootstrap interval (default 0.95). */
  readonly level?: number;
  /** Seed of the bootstrap's resampling (default 0). */
  readonly seed?: number;
  /** The reliability `seedsFor` aims at (default 0.8). */
  readonly target?: number;
}

/** How far a ranking of points by their mean score over K training seeds can be trusted. */
export interface ScoreReliability {
  /** Training seeds (K) and points (n). */
  readonly seeds: number;
  readonly points: number;
  /** Mean Pearson correlation of the scores of two seeds over the points (pairs of seeds averaged). */
  readonly pearson: number;
  /** The same for Spearman's rank correlation. */
  readonly spearman: number;
  /** Mean Pearson correlation of two seeds after each seed's class means are taken out (with `labels`). */
  readonly withinClass?: number;
  /**
   * Spearman's rank correlation of two seeds within each class (pairs of seeds averaged),
   * averaged over the classes of 3 or more points weighted by their size (with `labels`):
   * how far the seeds agree on the order of the points of one class.
   */
  readonly withinClassSpearman?: number;
  /**
   * Spearman-Brown reliability of the K-seed mean, `K r / (1 + (K - 1) r)` with `r` the mean
   * between-seed Pearson correlation: the correlation the mean would have with the mean of
   * another K seeds.
   */
  readonly reliability: number;
  /** Bootstrap interval of `reliability` over resampled points (absent with `bootstrap: 0`). */
  readonly interval?: readonly [number, number];
  /** Share of the K-seed mean's variance explained by class (eta squared; with `labels`). */
  readonly classShare?: number;
  /** The reliability aimed at by `seedsNeeded`. */
  readonly target: number;
  /** Seeds whose mean reaches `target` (Infinity when seeds do not agree at all, r <= 0). */
  readonly seedsNeeded: number;
}

/** Spearman-Brown: reliability of the mean of `k` measurements whose pairwise correlation is `r`. */
export function spearmanBrown(r: number, k: number): number {
  return (k * r) / (1 + (k - 1) * r);
}

/** The number of measurements whose mean reaches reliability `target`, given a single one's `r`. */
export function measurementsFor(r: number, target: number): number {
  if (!(r > 0)) return Infinity;
  if (r >= target) return 1;
  return Math.ceil((target * (1 - r)) / (r * (1 - target)) - 1e-9);
}

function meanPairwise(columns: readonly Sample[], correlation: (a: Sample, b: Sample) => number): number {
  const values: number[] = [];
  for (let a = 0; a < columns.length; a++) for (let b = a + 1; b < columns.length; b++) values.push(correlation(columns[a], columns[b]));
  return mean(values);
}

/** `values` with the mean of each value's class (by `labels`) subtracted. */
export function withoutClassMeans(values: Sample, labels: ArrayLike<number>): Float64Array {
  const sums = new Map<number, { sum: number; n: number }>();
  for (let i = 0; i < values.length; i++) {
    const s = sums.get(labels[i]) ?? { sum: 0, n: 0 };
    s.sum += values[i];
    s.n += 1;
    sums.set(labels[i], s);
  }
  return Float64Array.from({ length: values.length }, (_, i) => {
    const s = sums.get(labels[i])!;
    return values[i] - s.sum / s.n;
  });
}

function classShareOf(values: Sample, labels: ArrayLike<number>): number {
  const m = mean(values);
  const centred = withoutClassMeans(values, labels);
  let total = 0;
  let within = 0;
  for (let i = 0; i < values.length; i++) {
    total += (values[i] - m) ** 2;
    within += centred[i] ** 2;
  }
  return total === 0 ? NaN : 1 - within / total;
}

function withinClassSpearmanOf(perSeed: readonly Sample[], labels: ArrayLike<number>): number {
  const rows = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = rows.get(labels[i]) ?? [];
    list.push(i);
    rows.set(labels[i], list);
  }
  let sum = 0;
  let weight = 0;
  for (const list of rows.values()) {
    if (list.length < 3) continue;
    const at = Int32Array.from(list);
    const r = meanPairwise(perSeed.map((c) => pick(c, at)), spearman);
    if (!Number.isFinite(r)) continue;
    sum += r * list.length;
    weight += list.length;
  }
  return weight === 0 ? NaN : sum / weight;
}

function pick(values: Sample, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => values[i]);
}

/**
 * The reliability of memorization scores across training runs. `perSeed[k][i]` is point
 * i's score from the encoders of training seed k (for SSLMem: `align_g - align_f` of the f
 * and g of seed k). Two seeds' scores correlate only as far as the points differ more than
 * the training runs do; the mean of K seeds is as reliable as Spearman-Brown says. A ranking
 * whose reliability is low is mostly the noise of the training runs.
 * @throws InputError unless there are at least 2 seeds of the same length >= 3, all finite,
 *   and `labels` (when given) has one entry per point.
 */
export function scoreReliability(perSeed: readonly Sample[], options: ScoreReliabilityOptions = {}): ScoreReliability {
  const where = 'scoreReliability';
  const k = perSeed.length;
  if (k < 2) throw new InputError(`${where}: perSeed`, 'the scores of at least 2 training seeds', `${k}`);
  const n = perSeed[0].length;
  perSeed.forEach((column, s) => {
    if (column.length !== n || n < 3) throw new InputError(`${where}: perSeed[${s}]`, `${Math.max(n, 3)} or more scores, as many as perSeed[0]`, `${column.length}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(column[i])) throw new InputError(`${where}: perSeed[${s}][${i}]`, 'a finite number', String(column[i]));
  });
  const labels = options.labels;
  if (labels !== undefined && labels.length !== n) throw new InputError(`${where}: options.labels`, `one label per point (${n})`, `${labels.length}`);
  const target = options.target ?? 0.8;
  if (!(target > 0 && target < 1)) throw new InputError(`${where}: options.target`, 'a reliability in (0, 1)', String(target));
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InputError(`${where}: options.level`, 'a coverage in (0, 1)', String(level));
  const resamples = options.bootstrap ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 0) throw new InputError(`${where}: options.bootstrap`, 'a non-negative integer', String(resamples));

  const r = meanPairwise(perSeed, pearson);
  const reliability = spearmanBrown(r, k);
  const meanScores = Float64Array.from({ length: n }, (_, i) => mean(perSeed.map((c) => c[i])));
  let interval: [number, number] | undefined;
  if (resamples > 0) {
    const rng = createRng(options.seed ?? 0);
    const values: number[] = [];
    for (let b = 0; b < resamples; b++) {
      const rows = Int32Array.from({ length: n }, () => rng.int(n));
      const rb = meanPairwise(perSeed.map((c) => pick(c, rows)), pearson);
      if (Number.isFinite(rb)) values.push(spearmanBrown(rb, k));
    }
    if (values.length > 0) interval = [quantile(values, (1 - level) / 2), quantile(values, 1 - (1 - level) / 2)];
  }
  return {
    seeds: k,
    points: n,
    pearson: r,
    spearman: meanPairwise(perSeed, spearman),
    ...(labels === undefined
      ? {}
      : {
          withinClass: meanPairwise(perSeed.map((c) => withoutClassMeans(c, labels)), pearson),
          withinClassSpearman: withinClassSpearmanOf(perSeed, labels),
          classShare: classShareOf(meanScores, labels),
        }),
    reliability,
    ...(interval === undefined ? {} : { interval }),
    target,
    seedsNeeded: measurementsFor(r, target),
  };
}
