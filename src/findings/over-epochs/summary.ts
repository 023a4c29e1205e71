import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mean, std } from '../../stats/describe';
import type { OverEpochs, OverEpochsStudy } from './study';

/**
 * The per-seed measurements of the over-epochs study as mean and standard deviation over
 * the seeds (the error bars of the figures): rows `epoch, metric, mean, std` with metrics
 * `ssl_loss_f`, `probe_accuracy_f`, `gap_raw`, `gap_ratio`.
 */
export function overEpochsBySeed(over: Pick<OverEpochs, 'perSeed'>): ColumnTable {
  const rows = over.perSeed.objects() as Array<Record<string, number>>;
  const epochs = [...new Set(rows.map((r) => r.epoch))].sort((a, b) => a - b);
  const out = [];
  for (const epoch of epochs) {
    const at = rows.filter((r) => r.epoch === epoch);
    for (const metric of ['ssl_loss_f', 'probe_accuracy_f', 'gap_raw', 'gap_ratio']) {
      const values = at.map((r) => r[metric]);
      out.push({ epoch, metric, mean: mean(values), std: values.length > 1 ? std(values) : 0 });
    }
  }
  return aq.from(out);
}

/**
 * The over-epochs study's tables: `by_epoch` (the per-seed metrics' means, one column per
 * metric), `by_seed` (mean and std over seeds per metric), `pooled` (all seeds together:
 * the gap and its test per epoch and score), `per_seed` and `scores` (every point).
 */
export function overEpochsSummary(study: OverEpochsStudy): Record<string, ColumnTable> {
  const bySeed = overEpochsBySeed(study);
  return {
    by_epoch: bySeed.groupby('epoch').pivot('metric', 'mean'),
    by_seed: bySeed,
    pooled: study.pooled,
    per_seed: study.perSeed,
    scores: study.scores,
  };
}
