import type { PresetName } from '../../design/presets';
import { subsetStudyConfig } from '../../design/subset-study-presets';
import { downstreamSettingsFor } from '../../measure/downstream-tasks';
import { defaultFolds } from '../../measure/all-point-scores';
import { subsetStudyTasks, type SubsetSettings } from '../subset-study';

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
 * Notebook 07's settings: `subsetStudyConfig(preset)`, 4 folds, 20% and 36% removed,
 * ranked by `score_raw`, evaluated on the four downstream tasks it was measured with
 * (`subsetStudyTasks`: probe, kNN, Fashion-MNIST, segmentation).
 */
export function removalSettings(preset: PresetName): RemovalSettings {
  return { config: subsetStudyConfig(preset), folds: defaultFolds, column: 'score_raw', removed: defaultRemovedFractions, tasks: subsetStudyTasks, downstream: downstreamSettingsFor(preset, subsetStudyTasks) };
}
