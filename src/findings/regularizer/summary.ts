import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { summarizeLevels } from '../../measure/level-summary';
import type { RegularizerStudy } from './study';

/** One row per weight of a study table: mean over seeds and standard deviation (`*_sd`) of every measured column. */
export function regularizerLevelSummary(levels: ColumnTable): ColumnTable {
  return aq.from(summarizeLevels(levels, 'weight', ['align_f_S_C', 'S_C_raw', 'gap_raw', 'S_C_range', 'gap_range', 'accuracy']));
}

/** The regulariser study's tables: `per-seed` (one row per weight and seed) and `per-weight` (`regularizerLevelSummary`). */
export function regularizerSummary(study: RegularizerStudy): Record<string, ColumnTable> {
  return { 'per-seed': study.levels, 'per-weight': regularizerLevelSummary(study.levels) };
}
