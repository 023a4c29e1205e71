import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import type { FrameworkAgreementOptions } from '../../measure/frameworks-agree';
import { sslObjectiveNames, type ObjectiveName } from '../../methods/registry';
import type { FindingSettings } from '../finding';

/** The design of the framework comparison: which SSL frameworks, whether to probe, how agreement is tested. */
export interface FrameworksSettings extends FindingSettings {
  /** SSL frameworks compared (each `withObjective`; supervised training is always added). */
  readonly frameworks: readonly ObjectiveName[];
  /** Linear-probe the encoder f of the first seed of each framework. Default true. */
  readonly probe?: boolean;
  /** Options of the agreement test (`frameworkAgreement`: fractions, permutations, resamples, alpha, seed). */
  readonly agreement: FrameworkAgreementOptions;
}

/** The settings of notebook 04 for a preset: MNIST (100 epochs on the laptop preset, no intermediate checkpoints), all six SSL frameworks, agreement seeded 0. */
export function frameworksSettings(preset: PresetName): FrameworksSettings {
  return { config: subsetStudyConfig(preset), frameworks: sslObjectiveNames, agreement: { seed: 0 } };
}
