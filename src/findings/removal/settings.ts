import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import { downstreamSettingsFor } from '../../measure/downstream-tasks';
import { defaultFolds } from '../../measure/all-point-scores';
import { defaultScorings, fewLabelFirstTasks, type SubsetSettings } from '../subset-study';
import type { DownstreamTask } from '../../measure/downstream-tasks';

/**
 * Shares of the pool removed by default: 20% and 36%. They keep 80% and 64%, two of the
 * coreset finding's shares, so the random removals are the coreset's random subsets (the
 * same trainings, shared through the run store).
 */
export const defaultRemovedFractions: readonly number[] = [0.2, 0.36];

/** The removal finding's design: the all-point scores (K folds) and the shares of the pool to remove. */
export interface RemovalSettings extends SubsetSettings {
  /** Shares of the pool to remove. */
  readonly removed: readonly number[];
}

/**
 * Notebook 07's removed shares: the default 20% and 36%, and 75% (a quarter kept; not on the
 * quick preset, where a quarter of the pool is smaller than a batch). Each keeps one of the
 * coreset's shares, so every random removal is a coreset random subset.
 */
export function removalFractions(preset: PresetName): readonly number[] {
  return preset === 'quick' ? defaultRemovedFractions : [...defaultRemovedFractions, 0.75];
}

/** Notebook 07's tasks: `fewLabelFirstTasks` (primary: the few-label probe), then segmentation. */
export const removalTasks: readonly DownstreamTask[] = [...fewLabelFirstTasks, 'segmentation'];

/**
 * Notebook 07's settings: `subsetStudyConfig(preset)`, 4 folds, `removalFractions`, ranked by
 * `score_raw`, by `defaultScorings` independent scorings (the scoring is the unit of the
 * test), with class controls, on `removalTasks`.
 */
export function removalSettings(preset: PresetName): RemovalSettings {
  const config = subsetStudyConfig(preset);
  return {
    config,
    folds: defaultFolds,
    column: 'score_raw',
    removed: removalFractions(preset),
    tasks: removalTasks,
    downstream: downstreamSettingsFor(preset, removalTasks),
    scorings: defaultScorings(preset, config.seeds),
    controls: true,
  };
}
