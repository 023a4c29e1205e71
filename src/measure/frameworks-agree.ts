import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { Sample } from '../stats/describe';
import { bootstrapInterval, spearmanPermutationTest, topKIndices, topKSize, topKJaccardTest, type BootstrapInterval } from '../stats/overlap-tests';
import { pearson, ranks } from '../stats/rank-correlation';
import { check } from '../util/errors';
import { createRng } from '../util/rng';

/** One model's scores over the same points (e.g. the candidates), named, SSL or supervised. */
export interface AgreementColumn {
  readonly name: string;
  readonly kind: 'ssl' | 'supervised';
  readonly values: Sample;
}

/** Options of `frameworkAgreement`. */
export interface FrameworkAgreementOptions {
  /** Top fractions whose overlap (Jaccard) is measured. Default [0.1, 0.2]. */
  fractions?: readonly number[];
  /** Permutations of each pair's test against chance. Default 999. */
  permutations?: number;
  /** Bootstrap resamples of the points for the verdict. Default 499. */
  resamples?: number;
  /** Level of the verdict: it holds when the lower end of the (1 - alpha) interval is above 0. Default 0.01. */
  alpha?: number;
  /** Seed of permutations and resamples. Default 0. */
  seed?: number;
}

/** The verdict on one agreement metric: SSL-SSL pairs above SSL-supervised pairs. */
export interface AgreementVerdict extends BootstrapInterval {
  readonly metric: string;
  /** Mean of the metric over SSL-SSL pairs and over SSL-supervised pairs. */
  readonly sslSsl: number;
  readonly sslSupervised: number;
  /** The interval of `sslSsl - sslSupervised` lies above 0. */
  readonly holds: boolean;
}

/** What `frameworkAgreement` returns. */
export interface FrameworkAgreement {
  /** One row per pair: `a, b, kind ('ssl-ssl' | 'ssl-supervised' | 'supervised-supervised'), spearman, spearman_p, jaccard_<k>, jaccard_<k>_chance, jaccard_<k>_p`. */
  readonly pairs: ColumnTable;
  /** The metric columns of `pairs`: `spearman`, `jaccard_10`, `jaccard_20`, ... */
  readonly metrics: readonly string[];
  /** Per metric: SSL-SSL against SSL-supervised agreement, bootstrapped over the points. */
  readonly verdicts: readonly AgreementVerdict[];
  /** Spearman's verdict and the first Jaccard's both hold. */
  readonly holds: boolean;
  /** The verdict in one sentence, with its numbers. */
  readonly sentence: string;
  readonly alpha: number;
}

const percent = (f: number): number => Math.round(f * 100);

/**
 * Finding 4's test: do the points most memorized by different SSL frameworks agree with
 * each other more than with those most memorized by supervised training? For every pair
 * of score columns: Spearman's rho and the Jaccard overlap of the top `fractions`, each
 * with a one-sided permutation p-value against chance; then, per metric, the mean over
 * SSL-SSL pairs minus the mean over SSL-supervised pairs with a percentile bootstrap over
 * the points (all pairs recomputed on each resample). The verdict holds when that
 * difference is above 0 at level `alpha` for Spearman and for the first fraction.
 */
export function frameworkAgreement(columns: readonly AgreementColumn[], options: FrameworkAgreementOptions = {}): FrameworkAgreement {
  const fractions = options.fractions ?? [0.1, 0.2];
  const alpha = options.alpha ?? 0.01;
  const rng = createRng(options.seed ?? 0);
  const ssl = columns.filter((c) => c.kind === 'ssl');
  check(ssl.length >= 2 && columns.some((c) => c.kind === 'supervised'), 'frameworkAgreement columns', 'at least two SSL and one supervised score column', `${ssl.length} SSL and ${columns.length - ssl.length} supervised`);
  const n = columns[0].values.length;
  const names = new Set<string>();
  for (const c of columns) {
    check(!names.has(c.name), `frameworkAgreement column ${c.name}`, 'a unique name', 'a repeated name');
    names.add(c.name);
    check(c.values.length === n && n >= 10, `frameworkAgreement column ${c.name}`, `${n >= 10 ? n : 'at least 10'} values (the same points as ${columns[0].name})`, `${c.values.length}`);
    for (let i = 0; i < n; i++) check(Number.isFinite(c.values[i]), `frameworkAgreement column ${c.name}[${i}]`, 'a finite score', String(c.values[i]));
  }
  const metrics = ['spearman', ...fractions.map((f) => `jaccard_${percent(f)}`)];
  const pairList: Array<{ a: AgreementColumn; b: AgreementColumn; kind: string }> = [];
  columns.forEach((a, i) =>
    columns.slice(i + 1).forEach((b) => pairList.push({ a, b, kind: a.kind === b.kind ? `${a.kind}-${a.kind}` : 'ssl-supervised' })),
  );
  const rows = pairList.map(({ a, b, kind }, p) => {
    const row: Record<string, unknown> = { a: a.name, b: b.name, kind };
    const rho = spearmanPermutationTest(a.values, b.values, { permutations: options.permutations, rng: rng.fork('pairs').fork(p).fork('spearman') });
    row.spearman = rho.observed;
    row.spearman_p = rho.pValue;
    fractions.forEach((f) => {
      const t = topKJaccardTest(a.values, b.values, f, { permutations: options.permutations, rng: rng.fork('pairs').fork(p).fork(`jaccard${f}`) });
      row[`jaccard_${percent(f)}`] = t.observed;
      row[`jaccard_${percent(f)}_chance`] = t.chance;
      row[`jaccard_${percent(f)}_p`] = t.pValue;
    });
    return row;
  });
  const pick = (values: Sample, idx: Int32Array): Float64Array => Float64Array.from(idx, (i) => values[i]);
  const columnIndex = new Map(columns.map((c, i) => [c.name, i]));
  const counted = pairList.filter((p) => p.kind !== 'supervised-supervised').map((p) => ({ i: columnIndex.get(p.a.name)!, j: columnIndex.get(p.b.name)!, ssl: p.kind === 'ssl-ssl' }));
  const verdicts = metrics.map((metric): AgreementVerdict => {
    // Per resample: each column's ranks (Spearman) or top-k set (Jaccard) once, then every pair from those.
    const fraction = metric === 'spearman' ? 0 : fractions[metrics.indexOf(metric) - 1];
    const difference = (idx: Int32Array): number => {
      const picked = columns.map((c) => pick(c.values, idx));
      let pairValue: (i: number, j: number) => number;
      if (metric === 'spearman') {
        const r = picked.map((v) => ranks(v));
        pairValue = (i, j) => pearson(r[i], r[j]);
      } else {
        const k = topKSize(idx.length, fraction);
        const top = picked.map((v) => topKIndices(v, k));
        pairValue = (i, j) => {
          let both = 0;
          for (const x of top[i]) if (top[j].has(x)) both++;
          return both / (top[i].size + top[j].size - both);
        };
      }
      let sumSsl = 0, nSsl = 0, sumSup = 0, nSup = 0;
      for (const { i, j, ssl } of counted) {
        const v = pairValue(i, j);
        if (ssl) { sumSsl += v; nSsl++; } else { sumSup += v; nSup++; }
      }
      return sumSsl / nSsl - sumSup / nSup;
    };
    const meanOf = (kind: string) => {
      const r = rows.filter((x) => x.kind === kind);
      return r.reduce((s, x) => s + (x[metric] as number), 0) / r.length;
    };
    const interval = bootstrapInterval(n, difference, { resamples: options.resamples ?? 499, level: 1 - alpha, rng: rng.fork('bootstrap').fork(metric) });
    return { ...interval, metric, sslSsl: meanOf('ssl-ssl'), sslSupervised: meanOf('ssl-supervised'), holds: interval.low > 0 };
  });
  const holds = verdicts[0].holds && (verdicts.length < 2 || verdicts[1].holds);
  const describe = (v: AgreementVerdict) =>
    `${v.metric === 'spearman' ? 'mean Spearman rho' : `mean top-${v.metric.split('_')[1]}% Jaccard`} ${v.sslSsl.toFixed(3)} (SSL-SSL) vs ${v.sslSupervised.toFixed(3)} (SSL-supervised), difference ${v.estimate.toFixed(3)}, ${Math.round((1 - alpha) * 100)}% bootstrap interval [${v.low.toFixed(3)}, ${v.high.toFixed(3)}]`;
  const sentence =
    (holds
      ? 'The claim holds at this scale: the most memorized candidates of the SSL frameworks agree with each other more than with those of supervised training; '
      : 'The claim is not confirmed at this scale: SSL-SSL agreement is not significantly above SSL-supervised agreement on every measure; ') +
    verdicts.slice(0, 2).map(describe).join('; ') +
    '.';
  return { pairs: aq.from(rows), metrics, verdicts, holds, sentence, alpha };
}

/** A square matrix of one metric over `names` (1 on the diagonal), for a heatmap. */
export function agreementMatrix(agreement: FrameworkAgreement, names: readonly string[], metric: string): number[][] {
  const rows = agreement.pairs.objects() as Array<Record<string, unknown>>;
  return names.map((a) =>
    names.map((b) => {
      if (a === b) return 1;
      const row = rows.find((r) => (r.a === a && r.b === b) || (r.a === b && r.b === a));
      return row === undefined ? Number.NaN : (row[metric] as number);
    }),
  );
}

/**
 * Where SSL and supervised memorization part: for every point, the mean over the SSL
 * columns of its percentile rank (0 least, 1 most memorized), the supervised column's
 * percentile rank (the mean over supervised columns), and `difference` = SSL minus
 * supervised. Rows `index, ssl_rank, supervised_rank, difference` in the columns' order.
 */
export function sslVersusSupervised(columns: readonly AgreementColumn[]): ColumnTable {
  const n = columns[0]?.values.length ?? 0;
  const rankOf = (values: Sample): Float64Array => {
    const r = ranks(values);
    return r.map((v) => (n > 1 ? (v - 1) / (n - 1) : 0.5));
  };
  const meanRank = (kind: 'ssl' | 'supervised'): Float64Array => {
    const chosen = columns.filter((c) => c.kind === kind);
    check(chosen.length > 0, 'sslVersusSupervised columns', `at least one ${kind} column`, 'none');
    const out = new Float64Array(n);
    for (const c of chosen) rankOf(c.values).forEach((v, i) => (out[i] += v / chosen.length));
    return out;
  };
  const ssl = meanRank('ssl');
  const sup = meanRank('supervised');
  return aq.table({ index: Array.from({ length: n }, (_, i) => i), ssl_rank: Array.from(ssl), supervised_rank: Array.from(sup), difference: Array.from(ssl, (v, i) => v - sup[i]) });
}
