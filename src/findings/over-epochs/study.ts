import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mean } from '../../stats/describe';
import { tTest } from '../../stats/t-test';
import { checkpointEpochsOf } from '../../design/checkpoint-epochs';
import { loadExperimentData, setImages } from '../../design/experiment-data';
import { probeEncoder } from '../../measure/probe-encoder';
import { setAlignmentLosses } from '../../measure/score-sets';
import { seedAveragedScores } from '../../measure/seed-averaged-scores';
import { lossAtEpoch } from '../../plans/train-side';
import { trainedEncoders } from '../../plans/trained-encoders';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { overEpochsPlan } from './plan';
import type { OverEpochsSettings } from './settings';

/** What the over-epochs study measures, as tidy tables. */
export interface OverEpochs {
  /**
   * Per checkpoint epoch and training seed: `epoch, seed, ssl_loss_f, probe_accuracy_f,
   * gap_raw, gap_ratio` (the gaps of that seed's f and g alone).
   */
  readonly perSeed: ColumnTable;
  /**
   * Per checkpoint epoch and score (`score_raw`, `score_ratio`), f and g averaged over all
   * seeds: `epoch, score, mean_S_C, mean_S_S, gap, t, p_value` (Welch, S_C > S_S).
   */
  readonly pooled: ColumnTable;
  /** Per checkpoint epoch and point of S_C and S_S: `epoch, id, set, label, score_raw, score_ratio` (all seeds). */
  readonly scores: ColumnTable;
}

/** The over-epochs study: its settings and what it measured. */
export interface OverEpochsStudy extends OverEpochs {
  readonly settings: OverEpochsSettings;
}

/**
 * Finding 1 (memorization over training): trains the config's encoders with their
 * checkpoints (one stage), then at every checkpoint epoch (`train.checkpointEpochs` and the
 * last) measures the SSL loss and linear-probe accuracy of each f, the memorization gap
 * (mean SSLMem of S_C minus S_S, raw and ratio) of each seed's f and g and of all seeds
 * together, and every point's score. `flatteningTest` reads the result.
 */
export async function runOverEpochs(settings: OverEpochsSettings, options: FindingRunOptions = {}): Promise<OverEpochsStudy> {
  const { config } = settings;
  const runner = await trainStages(overEpochsPlan, settings, options);
  const data = await loadExperimentData(config);
  const epochs = checkpointEpochsOf(config);
  const perSeed: Array<Record<string, number>> = [];
  const pooled: Array<Record<string, number | string>> = [];
  const scores = { epoch: [] as number[], id: [] as number[], set: [] as string[], label: [] as number[], score_raw: [] as number[], score_ratio: [] as number[] };
  for (const epoch of epochs) {
    const pair = await trainedEncoders(config, { runner, epoch });
    try {
      const models = [...pair.f, ...pair.g];
      const n = config.seeds.length;
      const bySet: Record<string, Float32Array[]> = {};
      for (const set of ['S_C', 'S_S'] as const) bySet[set] = await setAlignmentLosses(config, data, models.map((m) => m.encoder), set);
      const score = (set: string, seeds: readonly number[], kind: 'raw' | 'ratio'): number[] => seedAveragedScores(bySet[set], seeds, kind);
      const gap = (seeds: readonly number[], kind: 'raw' | 'ratio') => mean(score('S_C', seeds, kind)) - mean(score('S_S', seeds, kind));
      for (let s = 0; s < n; s++) {
        const f = models[s];
        perSeed.push({
          epoch,
          seed: config.seeds[s],
          ssl_loss_f: lossAtEpoch(f, epoch),
          probe_accuracy_f: (await probeEncoder(config, data, f.encoder)).accuracy,
          gap_raw: gap([s], 'raw'),
          gap_ratio: gap([s], 'ratio'),
        });
      }
      const all = config.seeds.map((_, s) => s);
      const perPoint = { raw: { S_C: score('S_C', all, 'raw'), S_S: score('S_S', all, 'raw') }, ratio: { S_C: score('S_C', all, 'ratio'), S_S: score('S_S', all, 'ratio') } };
      for (const kind of ['raw', 'ratio'] as const) {
        const { S_C: c, S_S: sh } = perPoint[kind];
        const test = tTest(c, sh, { alternative: 'greater' });
        pooled.push({ epoch, score: `score_${kind}`, mean_S_C: mean(c), mean_S_S: mean(sh), gap: mean(c) - mean(sh), t: test.statistic, p_value: test.pValue });
      }
      for (const set of ['S_C', 'S_S'] as const) {
        const { dataset, ids } = setImages(data, set);
        ids.forEach((id, i) => {
          scores.epoch.push(epoch);
          scores.id.push(id);
          scores.set.push(set);
          scores.label.push(dataset.labels[id]);
          scores.score_raw.push(perPoint.raw[set][i]);
          scores.score_ratio.push(perPoint.ratio[set][i]);
        });
      }
    } finally {
      pair.dispose();
    }
  }
  return { settings, perSeed: aq.from(perSeed), pooled: aq.from(pooled), scores: aq.table(scores) };
}
