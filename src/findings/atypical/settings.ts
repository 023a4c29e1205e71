import { preset, type PresetName } from '../../design/presets';
import type { FindingSettings } from '../finding';

/** The design of the atypicality study: the splits pooled, the measures' neighbours, the test level and the galleries. */
export interface AtypicalSettings extends FindingSettings {
  /** Split seeds whose candidates (and control points) are pooled. */
  readonly splitSeeds: readonly number[];
  /** Neighbours of both atypicality measures. */
  readonly k: number;
  /** Level of the rank-correlation tests. */
  readonly alpha: number;
  /** How many of the most and least memorized candidates the galleries show. */
  readonly extremes: number;
  /** The classes shown per memorization level (the poster's 3 and 6). */
  readonly galleryClasses: readonly number[];
  /** At most this many candidates per level and class. */
  readonly perLevel: number;
}

/** The settings of notebook 03 for a preset: MNIST, the three splits of notebook 02, 5 neighbours, alpha 0.01. */
export function atypicalSettings(name: PresetName): AtypicalSettings {
  return { config: preset(name, 'mnist'), splitSeeds: [0, 1, 2], k: 5, alpha: 0.01, extremes: 16, galleryClasses: [3, 6], perLevel: 5 };
}
