import * as aq from 'arquero';
import { mean, std } from '../../stats/describe';
import { tTest } from '../../stats/t-test';
import { InputError } from '../../util/errors';
import type { OverEpochs } from './study';

/** Options of `flatteningTest`; every field has a default. */
export interface FlatteningTestOptions {
  /** The earlier epoch compared (a checkpoint). Default: the checkpoint nearest half the last epoch. */
  from?: number;
  /** The later epoch. Default: the last checkpoint. */
  to?: number;
  /** The SSL loss counts as flat when its mean relative change is at most this. Default 0.05 (5%). */
  relativeLoss?: number;
  /** The probe accuracy counts as flat when its mean change is at most this. Default 0.01 (1 point). */
  accuracy?: number;
  /** The gap counts as grown when its growth is significant at this level (one-sided). Default 0.01. */
  alpha?: number;
  /**
   * The score whose gap is followed. Default `score_ratio`: alignment losses shrink as
   * training goes on, which shrinks raw differences with them; the ratio compares epochs on
   * one scale.
   */
  score?: 'score_raw' | 'score_ratio';
}

/** Defaults of `FlatteningTestOptions` (the epochs are found in the data). */
export const defaultFlatteningTestOptions = { relativeLoss: 0.05, accuracy: 0.01, alpha: 0.01, score: 'score_ratio' } as const;

/** What `flatteningTest` found. */
export interface FlatteningResult {
  readonly from: number;
  readonly to: number;
  /** Relative change of f's SSL loss, (loss_to - loss_from) / |loss_from|: mean and std over seeds. */
  readonly lossChange: { readonly mean: number; readonly std: number };
  /** Change of f's probe accuracy, acc_to - acc_from: mean and std over seeds. */
  readonly accuracyChange: { readonly mean: number; readonly std: number };
  /** The gap S_C - S_S (all seeds) at both epochs. */
  readonly gapFrom: number;
  readonly gapTo: number;
  /** How much more S_C's scores rose than S_S's (= gapTo - gapFrom), its Welch t and one-sided p (per-point changes of S_C against those of S_S). */
  readonly growth: number;
  readonly growthT: number;
  readonly growthP: number;
  /** Loss and accuracy both within their thresholds. */
  readonly flattened: boolean;
  /** The gap grew significantly. */
  readonly grew: boolean;
  /** The finding: loss and accuracy flat while memorization still grows. */
  readonly holds: boolean;
  readonly thresholds: Required<Pick<FlatteningTestOptions, 'relativeLoss' | 'accuracy' | 'alpha'>>;
  /** The score the gap was measured on. */
  readonly score: 'score_raw' | 'score_ratio';
}

/**
 * Tests finding 1 on the over-epochs study (or any `OverEpochs` tables): over the second half of training
 * (epoch `from` to `to`), have the SSL loss and the probe accuracy of f flattened (their
 * mean change over seeds within the thresholds) while the memorization gap still grew?
 * Growth is tested per point: the change of each candidate's score against the change of
 * each shared point's score (Welch, one-sided), so it uses every point, not only the means.
 */
export function flatteningTest(overEpochs: OverEpochs, options: FlatteningTestOptions = {}): FlatteningResult {
  const o = { ...defaultFlatteningTestOptions, ...options };
  const epochs = [...new Set(overEpochs.pooled.array('epoch') as number[])].sort((a, b) => a - b);
  const to = o.to ?? epochs[epochs.length - 1];
  const from = o.from ?? epochs.reduce((best, e) => (Math.abs(e - to / 2) < Math.abs(best - to / 2) ? e : best), epochs[0]);
  for (const [name, e] of [['from', from], ['to', to]] as const) {
    if (!epochs.includes(e)) throw new InputError(`flatteningTest: options.${name}`, `a measured epoch (${epochs.join(', ')})`, String(e));
  }
  if (!(from < to)) throw new InputError('flatteningTest: options', 'from < to', `${from} and ${to}`);
  const seedRows = overEpochs.perSeed.objects() as Array<{ epoch: number; seed: number; ssl_loss_f: number; probe_accuracy_f: number }>;
  const at = (epoch: number) => new Map(seedRows.filter((r) => r.epoch === epoch).map((r) => [r.seed, r]));
  const a = at(from);
  const b = at(to);
  const seeds = [...a.keys()].filter((s) => b.has(s));
  const lossChanges = seeds.map((s) => (b.get(s)!.ssl_loss_f - a.get(s)!.ssl_loss_f) / Math.abs(a.get(s)!.ssl_loss_f));
  const accuracyChanges = seeds.map((s) => b.get(s)!.probe_accuracy_f - a.get(s)!.probe_accuracy_f);
  const summary = (values: number[]) => ({ mean: mean(values), std: values.length > 1 ? std(values) : 0 });
  const changes = (set: string): number[] => {
    const rows = overEpochs.scores.filter(aq.escape((d: { set: string; epoch: number }) => d.set === set && (d.epoch === from || d.epoch === to))).objects() as Array<Record<string, number>>;
    const value = (r: Record<string, number>) => r[o.score];
    const before = new Map(rows.filter((r) => r.epoch === from).map((r) => [r.id, value(r)]));
    return rows.filter((r) => r.epoch === to).map((r) => value(r) - (before.get(r.id) as number));
  };
  const test = tTest(changes('S_C'), changes('S_S'), { alternative: 'greater' });
  const gapAt = (epoch: number) => (overEpochs.pooled.objects() as Array<{ epoch: number; score: string; gap: number }>).find((r) => r.epoch === epoch && r.score === o.score)!.gap;
  const lossChange = summary(lossChanges);
  const accuracyChange = summary(accuracyChanges);
  const flattened = Math.abs(lossChange.mean) <= o.relativeLoss && Math.abs(accuracyChange.mean) <= o.accuracy;
  const grew = test.pValue < o.alpha && test.statistic > 0;
  return {
    from,
    to,
    lossChange,
    accuracyChange,
    gapFrom: gapAt(from),
    gapTo: gapAt(to),
    growth: test.meanA - test.meanB,
    growthT: test.statistic,
    growthP: test.pValue,
    flattened,
    grew,
    holds: flattened && grew,
    thresholds: { relativeLoss: o.relativeLoss, accuracy: o.accuracy, alpha: o.alpha },
    score: o.score,
  };
}
