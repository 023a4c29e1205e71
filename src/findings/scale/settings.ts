import { preset, type PresetName } from '../../design/presets';
import type { Regime } from '../../design/regime';
import type { FindingSettings } from '../finding';

/** The design of the scale study: the regimes compared and when a gap counts as measurable. */
export interface ScaleSettings extends FindingSettings {
  /** The preset the config came from (the verdict says which regime is its own). */
  readonly preset: PresetName;
  /** The regimes compared, each `withOverrides(config, overrides)`; a regime without overrides is the preset's own. */
  readonly regimes: readonly Regime[];
  /** The gap S_C > S_S must be significant at this level. */
  readonly alpha: number;
  /** A regime counts only with at least this many candidates. */
  readonly minCandidates: number;
}

/**
 * The regimes the scale study compares for a preset, as overrides of it: for `laptop`, 500
 * candidates split 20/40/40 (the preset itself, whose encoders the other notebooks use), the
 * same with f and g coupled (`train.coupling: 'shared-stream'`: one stream of batch slots, the
 * shared points in the same slots, so the reliability of the two couplings compares at equal
 * cost), 50/25/25 and 80/10/10 (the paper's fractions, 4500 images per encoder, so fewer
 * epochs); smaller ones for `quick`.
 */
export function scaleRegimes(name: PresetName): Regime[] {
  const fractions = (shared: number, candidate: number) => ({ shared, candidate, independent: candidate });
  switch (name) {
    case 'quick':
      return [
        { name: '20/40/40 of 250', overrides: {} },
        { name: '20/40/40 of 250, coupled', overrides: { train: { coupling: 'shared-stream' } } },
        { name: '50/25/25 of 400', overrides: { split: { trainSize: 400, fractions: fractions(0.5, 0.25) } } },
      ];
    case 'laptop':
      return [
        { name: '20/40/40 of 1250', overrides: {} },
        { name: '20/40/40 of 1250, coupled', overrides: { train: { coupling: 'shared-stream' } } },
        { name: '50/25/25 of 2000', overrides: { split: { trainSize: 2000, fractions: fractions(0.5, 0.25) } } },
        { name: '80/10/10 of 5000', overrides: { split: { trainSize: 5000, fractions: fractions(0.8, 0.1) }, train: { epochs: 100, checkpointEpochs: [25, 50] } } },
      ];
    case 'paper':
      return [{ name: '80/10/10 of 50000', overrides: {} }];
  }
}

/** The settings of notebook 00 for a preset: MNIST, its regimes, p < 1e-3 with 500 candidates (2 for `quick`). */
export function scaleSettings(name: PresetName): ScaleSettings {
  return { config: preset(name, 'mnist'), preset: name, regimes: scaleRegimes(name), alpha: 1e-3, minCandidates: name === 'quick' ? 2 : 500 };
}
