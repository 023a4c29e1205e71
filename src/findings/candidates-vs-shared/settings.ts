import { preset, type PresetName } from '../../design/presets';
import type { FindingSettings } from '../finding';

/** The design of finding 2: the experiment repeated on independent splits. */
export interface CandidatesVsSharedSettings extends FindingSettings {
  /** The preset the config came from (notebook 00's regimes of it are named in `describe`). */
  readonly preset: PresetName;
  /** One split of the data into S_S, S_C, S_I and S_E per seed, each with its own encoders. */
  readonly splitSeeds: readonly number[];
}

/** Notebook 02's settings: the preset on MNIST, split seeds 0, 1 and 2. */
export function candidatesVsSharedSettings(name: PresetName): CandidatesVsSharedSettings {
  return { config: preset(name, 'mnist'), preset: name, splitSeeds: [0, 1, 2] };
}
