import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoreStatistics } from '../../measure/summarize-scores';
import { subsetSummary } from '../subset-study';
import type { RemovalStudy } from './study';

/**
 * The removal finding's tables: `scores` (raw SSLMem of every point per fold), `runs` (one
 * row per retraining) and `means` (per removal and condition the mean and std over seeds of
 * each task).
 */
export function removalSummary(study: RemovalStudy): Record<string, ColumnTable> {
  return {
    scores: scoreStatistics(study.scores.derive({ set: aq.escape((d: { fold: number }) => `fold ${d.fold}`) }), 'score_raw'),
    runs: study.table,
    means: subsetSummary(study.table, study.tasks),
  };
}
