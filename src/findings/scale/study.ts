import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { checkpointEpochsOf } from '../../design/checkpoint-epochs';
import { loadExperimentData, type SetName } from '../../design/experiment-data';
import { setAlignmentLosses } from '../../measure/score-sets';
import { seedAveragedScores } from '../../measure/seed-averaged-scores';
import { lossAtEpoch } from '../../plans/train-side';
import { trainedEncoders } from '../../plans/trained-encoders';
import { mean } from '../../stats/describe';
import { scoreReliability, spearmanBrown } from '../../stats/score-reliability';
import { tTest } from '../../stats/t-test';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { regimeConfigs, scalePlan } from './plan';
import type { ScaleSettings } from './settings';

/** What the scale study measured. */
export interface ScaleStudy {
  readonly settings: ScaleSettings;
  /**
   * For every regime, checkpoint epoch and number of seeds k = 1..|seeds| (f and g averaged
   * over their first k seeds): `regime, train_size, candidates, per_encoder, epoch, seeds,
   * image_epochs, train_seconds, ssl_loss_f, mean_S_C, mean_S_S, mean_S_E, gap, t, p_value`.
   */
  readonly measures: ColumnTable;
  /**
   * How far the ranking of the candidates by their score can be trusted, for every regime and
   * checkpoint epoch (with 2 or more seeds per side): `regime, coupling, epoch, seeds,
   * between_seeds` (mean Pearson correlation of two seeds' raw scores over S_C, which is the
   * reliability of one seed), `within_class` (the same after each seed's class means are taken
   * out), `class_share`, `reliability` (Spearman-Brown, of the mean of all seeds) with its
   * bootstrap interval `low, high`, `ten_seeds` (projected for 10 seeds) and `seeds_for_0_8`.
   */
  readonly reliability: ColumnTable;
}

/** The reliability row of one regime and epoch from the per-seed raw scores of its candidates (`scoreReliability`, bootstrap seeded by the epoch). */
function reliabilityRow(regime: string, coupling: string, epoch: number, perSeed: readonly number[][], labels: readonly number[]) {
  const r = scoreReliability(perSeed, { labels, seed: epoch });
  return {
    regime,
    coupling,
    epoch,
    seeds: r.seeds,
    between_seeds: r.pearson,
    within_class: r.withinClass ?? Number.NaN,
    class_share: r.classShare ?? Number.NaN,
    reliability: r.reliability,
    low: r.interval?.[0] ?? Number.NaN,
    high: r.interval?.[1] ?? Number.NaN,
    ten_seeds: spearmanBrown(r.pearson, 10),
    seeds_for_0_8: r.seedsNeeded,
  };
}

/**
 * Where memorization becomes measurable, and at what cost: trains every regime's encoders
 * (one stage), then for every regime, every checkpoint epoch and every number of seeds
 * k = 1..|seeds| (the definition's expectation over A(S)) measures the mean SSLMem (raw) of
 * S_C, S_S and S_E, the gap S_C - S_S with its Welch t statistic and one-sided p-value, the
 * SSL loss of f, and the training cost (images per encoder times epochs, and the measured
 * seconds of one encoder up to that epoch); and, with 2 or more seeds, how far the seeds agree
 * on the ranking of the candidates (`reliability`).
 */
export async function runScale(settings: ScaleSettings, options: FindingRunOptions = {}): Promise<ScaleStudy> {
  const runner = await trainStages(scalePlan, settings, options);
  const configs = regimeConfigs(settings);
  const rows = [];
  const reliability = [];
  for (const [r, regime] of settings.regimes.entries()) {
    const config = configs[r];
    const data = await loadExperimentData(config);
    const perEncoder = data.split.S_S.length + data.split.S_C.length;
    const labels = Array.from(data.split.S_C, (i) => data.pair.train.labels[i]);
    for (const epoch of checkpointEpochsOf(config)) {
      const pair = await trainedEncoders(config, { runner, epoch });
      try {
        const models = [...pair.f, ...pair.g];
        const n = config.seeds.length;
        const encoders = models.map((m) => m.encoder);
        const losses = Object.fromEntries(await Promise.all((['S_C', 'S_S', 'S_E'] as const).map(async (set) => [set, await setAlignmentLosses(config, data, encoders, set)] as const)));
        const seconds = mean(models.map((m) => (m.history.array('seconds') as number[]).slice(0, epoch).reduce((a, b) => a + b, 0)));
        for (let k = 1; k <= n; k++) {
          const firstK = Array.from({ length: k }, (_, s) => s);
          const score = (set: SetName) => seedAveragedScores(losses[set], firstK, 'raw');
          const c = score('S_C');
          const s = score('S_S');
          const test = tTest(c, s, { alternative: 'greater' });
          rows.push({
            regime: regime.name,
            train_size: config.split.trainSize,
            candidates: data.split.S_C.length,
            per_encoder: perEncoder,
            epoch,
            seeds: k,
            image_epochs: perEncoder * epoch,
            train_seconds: seconds,
            ssl_loss_f: mean(pair.f.map((m) => lossAtEpoch(m, epoch))),
            mean_S_C: mean(c),
            mean_S_S: mean(s),
            mean_S_E: mean(score('S_E')),
            gap: mean(c) - mean(s),
            t: test.statistic,
            p_value: test.pValue,
          });
        }
        if (n >= 2) {
          const perSeed = Array.from({ length: n }, (_, s) => seedAveragedScores(losses.S_C, [s], 'raw'));
          reliability.push(reliabilityRow(regime.name, config.train.coupling ?? 'independent', epoch, perSeed, labels));
        }
      } finally {
        pair.dispose();
      }
    }
  }
  return { settings, measures: aq.from(rows), reliability: aq.from(reliability) };
}
