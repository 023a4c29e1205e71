import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { checkpointEpochsOf } from '../../design/checkpoint-epochs';
import { loadExperimentData, type SetName } from '../../design/experiment-data';
import { setAlignmentLosses } from '../../measure/score-sets';
import { seedAveragedScores } from '../../measure/seed-averaged-scores';
import { lossAtEpoch } from '../../plans/train-side';
import { trainedEncoders } from '../../plans/trained-encoders';
import { mean } from '../../stats/describe';
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
}

/**
 * Where memorization becomes measurable, and at what cost: trains every regime's encoders
 * (one stage), then for every regime, every checkpoint epoch and every number of seeds
 * k = 1..|seeds| (the definition's expectation over A(S)) measures the mean SSLMem (raw) of
 * S_C, S_S and S_E, the gap S_C - S_S with its Welch t statistic and one-sided p-value, the
 * SSL loss of f, and the training cost (images per encoder times epochs, and the measured
 * seconds of one encoder up to that epoch).
 */
export async function runScale(settings: ScaleSettings, options: FindingRunOptions = {}): Promise<ScaleStudy> {
  const runner = await trainStages(scalePlan, settings, options);
  const configs = regimeConfigs(settings);
  const rows = [];
  for (const [r, regime] of settings.regimes.entries()) {
    const config = configs[r];
    const data = await loadExperimentData(config);
    const perEncoder = data.split.S_S.length + data.split.S_C.length;
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
      } finally {
        pair.dispose();
      }
    }
  }
  return { settings, measures: aq.from(rows) };
}
