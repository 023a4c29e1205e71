import { experimentDataSizes, withObjective, withOverrides, type ExperimentConfig } from '../../design/experiment-config';
import { privateParts, type ExperimentDp } from '../../design/privacy-config';
import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import type { Level } from '../level-study';
import type { FindingSettings } from '../finding';

/** One row of the poster's MAE table: SSLMem and the downstream accuracy at one epsilon. */
export interface PosterRow {
  readonly sslmem: number;
  readonly accuracy: number;
}

/** The design of the privacy study: which frameworks train at which privacy levels. */
export interface PrivacySettings extends FindingSettings {
  /** Frameworks trained at every level, each `withObjective(config, name)`. */
  readonly frameworks: readonly string[];
  /** Target epsilons; `Infinity` trains without DP (same architecture). */
  readonly epsilons: readonly number[];
  /** DP-SGD settings besides epsilon (clip, delta, sampling, method). Default: `config.dp`'s, else the defaults. */
  readonly dp?: Omit<ExperimentDp, 'epsilon' | 'noise'>;
  /** Linear-probe every encoder f. Default true. */
  readonly probe?: boolean;
  /** The poster's MAE table by epsilon (`String(epsilon)`), shown beside the measured means. */
  readonly poster: Readonly<Record<string, PosterRow>>;
}

/** The default privacy levels: no DP, the poster's 20 and 8, and a strong 2. */
export const defaultStudyEpsilons: readonly number[] = [Infinity, 20, 8, 2];

/** The poster's table (MAE with DP-SGD on a large image corpus): SSLMem and accuracy at epsilon Infinity, 20 and 8. */
export const posterPrivacyTable: Readonly<Record<string, PosterRow>> = { Infinity: { sslmem: 0.307, accuracy: 0.694 }, 20: { sslmem: 0.182, accuracy: 0.5422 }, 8: { sslmem: 0.107, accuracy: 0.3366 } };

/**
 * The settings of notebook 05 for a preset: MNIST (100 epochs on the laptop preset, no
 * intermediate checkpoints), MAE and supervised training, epsilons Infinity, 20, 8 and 2.
 */
export function privacySettings(preset: PresetName): PrivacySettings {
  return { config: subsetStudyConfig(preset), frameworks: ['mae', 'supervised'], epsilons: defaultStudyEpsilons, poster: posterPrivacyTable };
}

/**
 * The config each privacy level trains with: `config` with its batch norm switched to
 * per-example norms (`privateParts`, for every level, so that only DP-SGD differs) and
 * `dp.epsilon` set; `Infinity` has no `dp`. One level per epsilon, its value the epsilon.
 */
export function privacyConfigs(config: ExperimentConfig, epsilons: readonly number[] = defaultStudyEpsilons, dp: Omit<ExperimentDp, 'epsilon' | 'noise'> = {}): Level[] {
  const { dp: _, ...plain } = config;
  const base: ExperimentConfig = { ...plain, ...privateParts(config, experimentDataSizes(config).shape) };
  const settings = { ...(config.dp === undefined ? {} : { clip: config.dp.clip, delta: config.dp.delta, sampling: config.dp.sampling, method: config.dp.method }), ...dp };
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  return epsilons.map((epsilon) => ({ value: epsilon, config: epsilon === Infinity ? withOverrides(base, {}) : withOverrides(base, { dp: { ...defined, epsilon } }) }));
}

/** The privacy levels of every framework of `settings`, by framework, in the settings' order. */
export function privacyLevels(settings: PrivacySettings): Record<string, Level[]> {
  return Object.fromEntries(settings.frameworks.map((name) => [name, privacyConfigs(withObjective(settings.config, name), settings.epsilons, settings.dp)]));
}
