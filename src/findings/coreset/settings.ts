import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import { downstreamSettingsFor } from '../../measure/downstream-tasks';
import { defaultFolds } from '../../measure/all-point-scores';
import { defaultScorings, fewLabelFirstTasks, type SubsetSettings } from '../subset-study';

/** The poster's coreset table (linear probe accuracy in %, 25k CIFAR images = 100%). */
export const posterCoreset: ReadonlyArray<{ kept: number; images: string; cifar10: number; cifar100: number; stl10: number }> = [
  { kept: 1, images: '25k (full)', cifar10: 63.3, cifar100: 61.1, stl10: 61.6 },
  { kept: 0.96, images: '24k', cifar10: 64.4, cifar100: 61.3, stl10: 61.7 },
  { kept: 0.88, images: '22k', cifar10: 63.8, cifar100: 61.8, stl10: 62.4 },
  { kept: 0.8, images: '20k', cifar10: 63.2, cifar100: 60.8, stl10: 61.1 },
  { kept: 0.64, images: '16k', cifar10: 61.8, cifar100: 58.4, stl10: 59.9 },
  { kept: 0.48, images: '12k', cifar10: 59.7, cifar100: 55.6, stl10: 55.2 },
];

/** The poster's kept shares: 100%, 96%, 88%, 80%, 64%, 48%. */
export const defaultCoresetFractions: readonly number[] = posterCoreset.map((r) => r.kept);

/** The coreset finding's design: the all-point scores (K folds) and the kept shares of the pool to retrain on. */
export interface CoresetSettings extends SubsetSettings {
  /** Kept shares of the pool (1 = the full pool, trained once per seed). */
  readonly fractions: readonly number[];
}

/**
 * Notebook 06's kept shares: the poster's 100%, 96%, 80%, 64% and 48% (88% left out for
 * time), and a quarter of the pool, where a subset has the most room to matter (not on the
 * quick preset: a quarter of its pool is smaller than a batch).
 */
export function coresetFractions(preset: PresetName): readonly number[] {
  return preset === 'quick' ? [1, 0.96, 0.8, 0.64, 0.48] : [1, 0.96, 0.8, 0.64, 0.48, 0.25];
}

/**
 * Notebook 06's settings: `subsetStudyConfig(preset)`, 4 folds, `coresetFractions`, ranked by
 * `score_raw`, by `defaultScorings` independent scorings (the scoring is the unit of the
 * test), on `fewLabelFirstTasks` (primary: the few-label probe).
 */
export function coresetSettings(preset: PresetName): CoresetSettings {
  const config = subsetStudyConfig(preset);
  return {
    config,
    folds: defaultFolds,
    column: 'score_raw',
    fractions: coresetFractions(preset),
    tasks: fewLabelFirstTasks,
    downstream: downstreamSettingsFor(preset, fewLabelFirstTasks),
    scorings: defaultScorings(preset, config.seeds),
  };
}
