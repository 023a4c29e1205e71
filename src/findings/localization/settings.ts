import type { UnitMemVariant } from '../../memorization/unit-mem';
import type { ObjectiveName } from '../../methods/registry';
import type { ExperimentConfig } from '../../design/experiment-config';
import { frameworkConfigs } from '../framework-configs';
import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import type { FindingSettings } from '../finding';

/** Default frameworks of the localization finding: the preset's SimCLR, one more SSL framework, and supervised training as the contrast. */
export const defaultLocalizationFrameworks: readonly ObjectiveName[] = ['simclr', 'vicreg', 'supervised'];

/** The localization finding's design: the frameworks (each its own f and g per seed) and how UnitMem reads a unit. */
export interface LocalizationSettings extends FindingSettings {
  /** Frameworks to localise, in report order (`supervised` is the contrast of the SSL ones). */
  readonly frameworks: readonly ObjectiveName[];
  /** UnitMem: augmented views per point that each activation is averaged over. */
  readonly augmentations: number;
  /** UnitMem: mean (the paper's formula) or median of the other points. */
  readonly variant: UnitMemVariant;
}

/** Notebook 09's settings: `subsetStudyConfig(preset)`, SimCLR, VICReg and supervised, UnitMem over 10 views with the mean. */
export function localizationSettings(preset: PresetName): LocalizationSettings {
  return { config: subsetStudyConfig(preset), frameworks: defaultLocalizationFrameworks, augmentations: 10, variant: 'mean' };
}

/** The config each framework trains with, by name: the base config for its own SSL objective, else `withObjective`. */
export function localizationConfigs(settings: Pick<LocalizationSettings, 'config' | 'frameworks'>): Record<string, ExperimentConfig> {
  const all = frameworkConfigs(settings.config, settings.frameworks.filter((f) => f !== 'supervised'));
  return Object.fromEntries(settings.frameworks.map((f) => [f, all[f]]));
}
