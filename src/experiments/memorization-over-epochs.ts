import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { loadTrainedEncoder, trainMissingEncoders, type TrainedEncodersOptions } from './trained-encoders';
import { mean } from '../stats/describe';
import { tTest } from '../stats/t-test';
import type { ExperimentConfig } from './experiment-config';
import { loadExperimentData } from './experiment-data';
import { probeEncoder } from './probe-encoder';
import { scoreSets } from './score-sets';
import { lossAtEpoch, type TrainedEncoder } from './train-side';

/** Options of `memorizationOverEpochs`. */
export interface MemorizationOverEpochsOptions extends Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> {
  /** Called when a checkpoint epoch has been measured. */
  onCheckpoint?: (epoch: number, done: number, total: number) => void;
}

/**
 * Finding 1 (memorization over training): at every checkpoint epoch of `config`
 * (`train.checkpointEpochs` and the last), the mean SSL loss of f, the linear-probe
 * accuracy of f (mean over seeds) and the mean SSLMem (ratio normalisation, all seeds' f
 * and g at that epoch) of `S_C` and of `S_S`, with the one-sided Welch p-value of S_C > S_S.
 * Returns a tidy table `epoch, metric, value` with metrics `ssl_loss_f`, `probe_accuracy_f`,
 * `sslmem_S_C`, `sslmem_S_S`, `sslmem_gap`, `p_value_C_gt_S`.
 */
export async function memorizationOverEpochs(config: ExperimentConfig, options: MemorizationOverEpochsOptions = {}): Promise<ColumnTable> {
  await trainMissingEncoders(config, options);
  const data = await loadExperimentData(config);
  const epochs = [...new Set([...config.train.checkpointEpochs, config.train.epochs])].sort((a, b) => a - b);
  const rows: Array<{ epoch: number; metric: string; value: number }> = [];
  for (const [k, epoch] of epochs.entries()) {
    const load = (side: 'f' | 'g'): Promise<TrainedEncoder[]> =>
      Promise.all(config.seeds.map((seed) => loadTrainedEncoder(config, side, seed, { store: options.store, epoch })));
    const f = await load('f');
    const g = await load('g');
    try {
      const table = await scoreSets(config, data, f, g, { sets: ['S_C', 'S_S'] });
      const of = (set: string): number[] => table.filter(aq.escape((d: { set: string }) => d.set === set)).array('score_ratio') as number[];
      const c = of('S_C');
      const s = of('S_S');
      const accuracy = mean(await Promise.all(f.map(async (m) => (await probeEncoder(config, data, m.encoder)).accuracy)));
      rows.push(
        { epoch, metric: 'ssl_loss_f', value: mean(f.map((m) => lossAtEpoch(m, epoch))) },
        { epoch, metric: 'probe_accuracy_f', value: accuracy },
        { epoch, metric: 'sslmem_S_C', value: mean(c) },
        { epoch, metric: 'sslmem_S_S', value: mean(s) },
        { epoch, metric: 'sslmem_gap', value: mean(c) - mean(s) },
        { epoch, metric: 'p_value_C_gt_S', value: tTest(c, s, { alternative: 'greater' }).pValue },
      );
    } finally {
      [...f, ...g].forEach((m) => m.dispose());
    }
    options.onCheckpoint?.(epoch, k + 1, epochs.length);
  }
  return aq.from(rows);
}
