import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mean } from '../stats/describe';
import { tTest } from '../stats/t-test';
import { splitSizes } from '../data/splits';
import { sharedEncoders } from '../plans/encoder-run';
import { withOverrides, type ExperimentConfig } from '../design/experiment-config';
import type { Regime } from '../design/regime';
import { loadExperimentData, type SetName } from '../design/experiment-data';
import { setAlignmentLosses } from '../measure/score-sets';
import { seedAveragedScores } from '../measure/seed-averaged-scores';
import { checkpointEpochsOf } from '../design/checkpoint-epochs';
import { lossAtEpoch, type TrainedEncoder } from '../plans/train-side';
import { loadTrainedEncoder, trainMissingEncoders, type TrainedEncodersOptions } from '../plans/trained-encoders';


/** Options of `regimeStudy`. */
export interface RegimeStudyOptions extends Pick<TrainedEncodersOptions, 'store' | 'workers' | 'onEpoch'> {
  /** The regimes compared, each `withOverrides(base, overrides)`. */
  readonly regimes: readonly Regime[];
  /** Called when one regime is measured. */
  onRegime?: (name: string, done: number, total: number) => void;
}

/**
 * Where memorization becomes measurable, and at what cost: for every regime (a config
 * derived from `base`), every checkpoint epoch and every number of seeds k = 1..|seeds|
 * (f and g averaged over their first k seeds, the definition's expectation over A(S)), the
 * mean SSLMem (raw, the definition) of S_C, S_S and S_E, the gap S_C - S_S with its Welch
 * t statistic and one-sided p-value, the SSL loss of f, and the training cost (images per
 * encoder times epochs, and the measured seconds of one encoder up to that epoch).
 * Encoders come from the run store (trained where missing), so a regime equal to a preset
 * shares that preset's encoders.
 * Rows: `regime, train_size, candidates, per_encoder, epoch, seeds, image_epochs,
 * train_seconds, ssl_loss_f, mean_S_C, mean_S_S, mean_S_E, gap, t, p_value`.
 */
export async function regimeStudy(base: ExperimentConfig, options: RegimeStudyOptions): Promise<ColumnTable> {
  const rows = [];
  for (const [r, regime] of options.regimes.entries()) {
    const config = withOverrides(base, regime.overrides);
    await trainMissingEncoders(config, options);
    const data = await loadExperimentData(config);
    const perEncoder = data.split.S_S.length + data.split.S_C.length;
    for (const epoch of checkpointEpochsOf(config)) {
      const models: TrainedEncoder[] = [];
      try {
        for (const side of ['f', 'g'] as const) for (const seed of config.seeds) models.push(await loadTrainedEncoder(config, side, seed, { store: options.store, epoch }));
        const n = config.seeds.length;
        const encoders = models.map((m) => m.encoder);
        const losses = Object.fromEntries(await Promise.all((['S_C', 'S_S', 'S_E'] as const).map(async (set) => [set, await setAlignmentLosses(config, data, encoders, set)] as const)));
        const f = models.slice(0, n);
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
            ssl_loss_f: mean(f.map((m) => lossAtEpoch(m, epoch))),
            mean_S_C: mean(c),
            mean_S_S: mean(s),
            mean_S_E: mean(score('S_E')),
            gap: mean(c) - mean(s),
            t: test.statistic,
            p_value: test.pValue,
          });
        }
      } finally {
        models.forEach((m) => m.dispose());
      }
    }
    options.onRegime?.(regime.name, r + 1, options.regimes.length);
  }
  return aq.from(rows);
}

/**
 * What each regime trains, before anything runs: rows `regime, train_size, S_S, S_C, S_I,
 * per_encoder, epochs, seeds, encoders, shared_with_base` (how many of its encoders are
 * the base config's own, e.g. the preset's that other notebooks use).
 */
export function regimeTable(base: ExperimentConfig, regimes: readonly Regime[]): ColumnTable {
  return aq.from(
    regimes.map((regime) => {
      const config = withOverrides(base, regime.overrides);
      const sizes = splitSizes(config.split.trainSize, config.split.fractions);
      return {
        regime: regime.name,
        train_size: config.split.trainSize,
        S_S: sizes.shared,
        S_C: sizes.candidate,
        S_I: sizes.independent,
        per_encoder: sizes.shared + sizes.candidate,
        epochs: config.train.epochs,
        seeds: config.seeds.length,
        encoders: 2 * config.seeds.length,
        shared_with_base: sharedEncoders(base, config),
      };
    }),
  );
}

/** Options of `cheapestSettings`. */
export interface CheapestSettingsOptions {
  /** The gap must be significant at this level. Default 1e-3. */
  alpha?: number;
  /** At least this many candidates. Default 500. */
  minCandidates?: number;
  /** With this many seeds per side. Default: the most the study has. */
  seeds?: number;
}

/**
 * For every regime of a `regimeStudy`, its cheapest setting (fewest image-epochs of training
 * per encoder) in which S_C > S_S is significant: rows of the study (with `seeds` seeds per
 * side and at least `minCandidates` candidates) with p < alpha, the cheapest per regime,
 * ordered by cost. A regime that never gets there has no row.
 */
export function cheapestSettings(study: ColumnTable, options: CheapestSettingsOptions = {}): ColumnTable {
  const alpha = options.alpha ?? 1e-3;
  const minCandidates = options.minCandidates ?? 500;
  const rows = study.objects() as Array<Record<string, number | string>>;
  const seeds = options.seeds ?? Math.max(...rows.map((r) => r.seeds as number));
  const ok = rows.filter((r) => r.seeds === seeds && (r.candidates as number) >= minCandidates && (r.p_value as number) < alpha);
  const best = new Map<string, Record<string, number | string>>();
  for (const r of ok) {
    const known = best.get(r.regime as string);
    if (known === undefined || (r.image_epochs as number) < (known.image_epochs as number)) best.set(r.regime as string, r);
  }
  return aq.from([...best.values()].sort((a, b) => (a.image_epochs as number) - (b.image_epochs as number)));
}
