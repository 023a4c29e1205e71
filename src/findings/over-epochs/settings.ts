import { withOverrides } from '../../design/experiment-config';
import { preset, type PresetName } from '../../design/presets';
import type { FindingSettings } from '../finding';
import { scaleRegimes } from '../scale/settings';

/** The design of the over-epochs study: the preset's encoders and when loss and accuracy count as flat and the gap as grown. */
export interface OverEpochsSettings extends FindingSettings {
  /** The preset the config came from (notebook 00's regimes of it are named in `describe`). */
  readonly preset: PresetName;
  /** The name of notebook 00's regime of the preset whose split and training the config is. */
  readonly regime: string;
  /** The SSL loss counts as flat when its mean relative change over the second half of training is at most this. */
  readonly relativeLoss: number;
  /** The probe accuracy counts as flat when its mean change is at most this. */
  readonly accuracy: number;
  /** The gap counts as grown when its growth is significant at this level (one-sided). */
  readonly alpha: number;
}

/**
 * The settings of notebook 01 for a preset: MNIST in notebook 00's 50/25/25 regime of the
 * preset (its encoders; the preset itself where it has no such regime), 5% loss, 1 accuracy
 * point, alpha 0.01. The 50/25/25 split is where the growth test has power: in the laptop
 * preset's 20/40/40 of 1250 the gap's growth over the second half of training was not
 * significant, with twice the shared points it is measured against far fewer noisy ones.
 */
export function overEpochsSettings(name: PresetName): OverEpochsSettings {
  const regimes = scaleRegimes(name);
  const regime = regimes.find((r) => r.name.startsWith('50/25/25')) ?? regimes[0];
  return { config: withOverrides(preset(name, 'mnist'), regime.overrides), preset: name, regime: regime.name, relativeLoss: 0.05, accuracy: 0.01, alpha: 0.01 };
}
