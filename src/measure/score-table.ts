import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { rangeNormalize, ratioNormalize, scoreNormalizations, type ScoreNormalization } from '../memorization/normalize-scores';
import { check } from '../util/errors';

/** The score column of a normalisation: `score_raw`, `score_range`, `score_ratio`. */
export type ScoreColumn = `score_${ScoreNormalization}`;

/** The score columns of a score table, in table order (one per `scoreNormalizations`). */
export const scoreColumnNames: readonly ScoreColumn[] = scoreNormalizations.map((n) => `score_${n}` as const);

/**
 * Arithmetic of the score columns: `'float32'` (the score tables: the mean alignment loss,
 * the raw score and the ratio rounded to 32-bit floats, as the alignment losses are) or
 * `'float64'` (the per-seed series, no rounding).
 */
export type ScorePrecision = 'float32' | 'float64';

/** Options of `seedMean`. */
export interface SeedMeanOptions {
  /** Positions of the seeds to average (default all). */
  readonly seeds?: readonly number[];
  /** Default `'float32'`. */
  readonly precision?: ScorePrecision;
}

/**
 * The per-point mean of the alignment losses of several encoders (one array `[n]` per
 * seed, all of one side): the expectation over encoders in SSLMem's definition,
 * `SSL_f(x) = E_{f ~ A(S)} L_align(f, x)`, estimated by the mean over the seeds.
 */
export function seedMean(perSeed: readonly ArrayLike<number>[], options: SeedMeanOptions = {}): number[] {
  const seeds = options.seeds ?? perSeed.map((_, s) => s);
  check(seeds.length > 0, 'measure/seedMean: seeds', 'at least one seed', 'none');
  seeds.forEach((s, i) => check(Number.isInteger(s) && s >= 0 && s < perSeed.length, `measure/seedMean: seeds[${i}]`, `a position in 0..${perSeed.length - 1}`, String(s)));
  const n = perSeed[seeds[0]].length;
  seeds.forEach((s) => check(perSeed[s].length === n, `measure/seedMean: perSeed[${s}]`, `${n} values`, String(perSeed[s].length)));
  const round = (options.precision ?? 'float32') === 'float32' ? Math.fround : (v: number) => v;
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (const s of seeds) sum += perSeed[s][i];
    return round(sum / seeds.length);
  });
}

/** `rangeNormalize` without the rounding to 32 bits. */
function rangeIn64(raw: readonly number[], reference: readonly number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of reference) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const spread = hi - lo;
  return raw.map((v) => (spread > 0 ? v / spread : Number.NaN));
}

/** Options of `scoreColumns`. */
export interface ScoreColumnsOptions {
  /**
   * The set of each point: the range normalisation divides by max - min of the raw scores
   * of the `S_C` points (the official code's normalisation over the candidates), of all
   * points when fewer than two are `S_C`. Default: no sets (all points).
   */
  readonly sets?: readonly string[];
  /** Default `'float32'`. */
  readonly precision?: ScorePrecision;
}

/** The score columns of a score table, one value per point. */
export type ScoreColumns = Record<ScoreColumn, number[]>;

/**
 * SSLMem's score columns from the mean alignment losses of each point under f (`alignF`,
 * trained with it) and g (`alignG`, trained without it): `score_raw = align_g - align_f`
 * (the definition), `score_range = raw / (max - min)` over the reference points (see
 * `ScoreColumnsOptions.sets`), `score_ratio = (align_g - align_f) / (align_g + align_f)`
 * (0 where both are 0). The one place the three normalisations are computed.
 */
export function scoreColumns(alignF: ArrayLike<number>, alignG: ArrayLike<number>, options: ScoreColumnsOptions = {}): ScoreColumns {
  const where = 'measure/scoreColumns';
  check(alignG.length === alignF.length, `${where}: alignG`, `${alignF.length} values (one per point of alignF)`, String(alignG.length));
  if (options.sets !== undefined) check(options.sets.length === alignF.length, `${where}: options.sets`, `${alignF.length} sets (one per point)`, String(options.sets.length));
  const float32 = (options.precision ?? 'float32') === 'float32';
  const raw = Array.from(alignF, (f, i) => (float32 ? Math.fround(alignG[i] - f) : alignG[i] - f));
  const sets = options.sets;
  const candidates = sets === undefined ? [] : raw.filter((_, i) => sets[i] === 'S_C');
  const reference = candidates.length > 1 ? candidates : raw;
  const range = float32 ? Array.from(rangeNormalize(raw, reference)) : rangeIn64(raw, reference);
  const ratio = float32
    ? Array.from(ratioNormalize(alignF, alignG))
    : Array.from(alignF, (f, i) => (alignG[i] - f === 0 ? 0 : (alignG[i] - f) / (alignG[i] + f)));
  return { score_raw: raw, score_range: range, score_ratio: ratio };
}

/** The points of a score table and their alignment losses per encoder. */
export interface ScoreRows {
  /** Point ids (into the train split; the test split for `S_E`). */
  readonly id: ArrayLike<number>;
  /** Each point's set (`S_C`, ..., or `train`). */
  readonly set: readonly string[];
  /** Each point's class label. */
  readonly label: ArrayLike<number>;
  /** Alignment loss of each point under each encoder f (one array `[n]` per seed). */
  readonly perF: readonly ArrayLike<number>[];
  /** Alignment loss of each point under each reference encoder g (one array `[n]` per seed). */
  readonly perG: readonly ArrayLike<number>[];
}

/** The column of a score table that keeps the raw score of one training seed: `raw_seed3`. */
export function perSeedColumnName(seed: number): string {
  return `raw_seed${seed}`;
}

const perSeedColumnPattern = /^raw_seed(\d+)$/;

/**
 * The per-seed raw scores a score table keeps (`raw_seed<S>` columns, in table order): the
 * training seeds and one array `[n]` per seed. Empty for a table of one-sided encoder lists
 * (`scoreTable` with unequal f and g counts) or from an sslmem without per-seed columns.
 */
export function perSeedScores(table: ColumnTable): { seeds: number[]; scores: Float64Array[] } {
  const names = table.columnNames().filter((c) => perSeedColumnPattern.test(c));
  return {
    seeds: names.map((c) => Number(perSeedColumnPattern.exec(c)![1])),
    scores: names.map((c) => Float64Array.from(table.array(c) as ArrayLike<number>)),
  };
}

/** Options of `scoreTable`. */
export interface ScoreTableOptions {
  /** Columns before `id` (e.g. `layer`), one value per point. */
  readonly before?: Readonly<Record<string, readonly unknown[]>>;
  /** Columns after `score_ratio` (e.g. `fold`), one value per point. */
  readonly after?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * The training seed of each f/g pair (`perF[k]` and `perG[k]` come from seed `seeds[k]`):
   * names the per-seed columns `raw_seed<S>`. Default the positions 0..K-1.
   */
  readonly seeds?: readonly number[];
}

/**
 * The per-seed raw scores `raw_seed<S> = align_g - align_f` of each f/g pair (32-bit, as
 * `score_raw`), or none when the f and g counts differ (no pairs).
 */
function perSeedColumns(rows: ScoreRows, seeds: readonly number[] | undefined): Record<string, number[]> {
  const where = 'measure/scoreTable';
  if (rows.perF.length !== rows.perG.length) return {};
  const names = (seeds ?? rows.perF.map((_, k) => k)).map((s, k) => {
    check(Number.isInteger(s) && s >= 0, `${where}: options.seeds[${k}]`, 'a non-negative integer seed', String(s));
    return perSeedColumnName(s);
  });
  check(names.length === rows.perF.length, `${where}: options.seeds`, `${rows.perF.length} seeds (one per f/g pair)`, String(names.length));
  check(new Set(names).size === names.length, `${where}: options.seeds`, 'distinct seeds', JSON.stringify(seeds));
  return Object.fromEntries(
    names.map((name, k) => {
      const f = rows.perF[k];
      const g = rows.perG[k];
      check(f.length === rows.id.length && g.length === rows.id.length, `${where}: rows.perF[${k}], rows.perG[${k}]`, `${rows.id.length} values each (one per id)`, `${f.length} and ${g.length}`);
      return [name, Array.from(f, (v, i) => Math.fround(g[i] - v))];
    }),
  );
}

/**
 * The SSLMem score table of some points: one row per point, columns `...before, id, set,
 * label, align_f, align_g, score_raw, score_range, score_ratio, ...after, raw_seed<S>...`.
 * `align_f` and `align_g` are the means over the seeds (`seedMean`, 32-bit), the scores as
 * `scoreColumns` (the range over the `S_C` points). Every score table of the library is
 * built here.
 *
 * The table keeps each training seed's own raw score, `raw_seed<S> = align_g - align_f` of
 * the f and g of seed S (when there are as many f as g, paired by position; see
 * `perSeedScores`), so that how far the seeds agree on the ranking (`scoreReliability`) can
 * be measured from the table alone. They are columns, not a long table of (point, seed)
 * rows: the table stays one row per point, so every reader that filters, sorts or ranks
 * points is unchanged; the seeds are few (2 to 10), so they cost a few columns; and they come
 * last, so every earlier column keeps its place and its numbers (a CSV row of the old table
 * is a prefix of the new one).
 */
export function scoreTable(rows: ScoreRows, options: ScoreTableOptions = {}): ColumnTable {
  const where = 'measure/scoreTable';
  const n = rows.id.length;
  check(rows.set.length === n && rows.label.length === n, `${where}: rows`, `${n} sets and labels (one per id)`, `${rows.set.length} sets, ${rows.label.length} labels`);
  check(rows.perF.length > 0 && rows.perG.length > 0, `${where}: rows.perF, rows.perG`, 'at least one encoder on each side', `${rows.perF.length} f, ${rows.perG.length} g`);
  const align_f = seedMean(rows.perF);
  const align_g = seedMean(rows.perG);
  check(align_f.length === n, `${where}: rows.perF[0]`, `${n} values (one per id)`, String(align_f.length));
  for (const [name, column] of Object.entries({ ...options.before, ...options.after })) check(column.length === n, `${where}: options column ${name}`, `${n} values (one per id)`, String(column.length));
  const scores = scoreColumns(align_f, align_g, { sets: rows.set });
  return aq.table({
    ...options.before,
    id: Array.from(rows.id),
    set: [...rows.set],
    label: Array.from(rows.label),
    align_f,
    align_g,
    ...scores,
    ...options.after,
    ...perSeedColumns(rows, options.seeds),
  });
}

/** Concatenates per-point arrays (e.g. one alignment-loss array per set) into one `[n1 + n2 + ...]`. */
export function concatPoints(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
