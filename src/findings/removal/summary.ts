import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoreStatistics } from '../../measure/summarize-scores';
import { subsetSummary } from '../subset-study';
import { asksScoringReport, scoringContrasts, scoringTables } from '../scoring-report';
import { removalControls, removedSizes } from './verdict';
import type { RemovalStudy } from './study';

/**
 * The removal finding's tables: `scores` (raw SSLMem of every point per fold), `runs` (one
 * row per retraining) and `means` (per removal and condition the mean and std over seeds of
 * each task). With several scorings or class controls in the settings, also `scoringTables`'
 * `contrast`, `by_scoring` and (several scorings) `overlap` (of the removed points).
 */
export function removalSummary(study: RemovalStudy): Record<string, ColumnTable> {
  const report = asksScoringReport(study.settings) ? scoringTables(study, scoringContrasts(study, [{ higher: 'random', lower: 'memorized' }, ...removalControls]), removedSizes(study)) : {};
  return {
    scores: scoreStatistics(study.scores.derive({ set: aq.escape((d: { fold: number }) => `fold ${d.fold}`) }), 'score_raw'),
    runs: study.table,
    means: subsetSummary(study.table, study.tasks),
    ...report,
  };
}
