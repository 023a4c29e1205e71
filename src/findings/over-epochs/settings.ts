import { preset, type PresetName } from '../../design/presets';
import type { FindingSettings } from '../finding';

/** The design of the over-epochs study: the preset's encoders and when loss and accuracy count as flat and the gap as grown. */
export interface OverEpochsSettings extends FindingSettings {
  /** The preset the config came from (notebook 00's regimes of it are named in `describe`). */
  readonly preset: PresetName;
  /** The SSL loss counts as flat when its mean relative change over the second half of training is at most this. */
  readonly relativeLoss: number;
  /** The probe accuracy counts as flat when its mean change is at most this. */
  readonly accuracy: number;
  /** The gap counts as grown when its growth is significant at this level (one-sided). */
  readonly alpha: number;
}

/** The settings of notebook 01 for a preset: MNIST, 5% loss, 1 accuracy point, alpha 0.01. */
export function overEpochsSettings(name: PresetName): OverEpochsSettings {
  return { config: preset(name, 'mnist'), preset: name, relativeLoss: 0.05, accuracy: 0.01, alpha: 0.01 };
}
