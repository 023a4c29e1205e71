import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { splitSizes } from '../../data/splits';
import { sharedEncoders } from '../../plans/encoder-run';
import { withOverrides, type ExperimentConfig } from '../../design/experiment-config';
import { sidePlan } from '../../plans/side-plan';
import type { FindingPlan, FindingRunOptions } from '../finding';
import type { ScaleSettings } from './settings';

/** The config of every regime, in the settings' order. */
export function regimeConfigs(settings: ScaleSettings): ExperimentConfig[] {
  return settings.regimes.map((regime) => withOverrides(settings.config, regime.overrides));
}

/** One stage: one f and one g per seed of every regime, all regimes together. */
export async function scalePlan(settings: ScaleSettings, _options: FindingRunOptions = {}): Promise<FindingPlan> {
  const configs = regimeConfigs(settings);
  return {
    stages: [
      {
        name: 'encoders',
        description: `one f and one g per seed for each of ${configs.length} regime(s)`,
        jobs: configs.flatMap((config) => sidePlan(config)),
      },
    ],
  };
}

/**
 * What each regime trains, before anything runs: rows `regime, train_size, S_S, S_C, S_I,
 * per_encoder, epochs, seeds, encoders, shared_with_base` (how many of its encoders are
 * the base config's own, e.g. the preset's that other notebooks use).
 */
export function regimeTable(settings: ScaleSettings): ColumnTable {
  return aq.from(
    settings.regimes.map((regime) => {
      const config = withOverrides(settings.config, regime.overrides);
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
        shared_with_base: sharedEncoders(settings.config, config),
      };
    }),
  );
}
