import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { compareSets, highlyMemorized, scoreStatistics, setOffsets } from '../../measure/summarize-scores';
import type { CandidatesVsSharedStudy } from './study';

/** The scores of the first split (the one the figures show). */
export function firstSplitScores(study: CandidatesVsSharedStudy): ColumnTable {
  const first = study.settings.splitSeeds[0];
  return study.scores.filter(aq.escape((d: { split_seed: number }) => d.split_seed === first));
}

/**
 * Finding 2's tables: `tests` (S_C > S_S per split), `statistics` and `set_tests` (the first
 * split's raw scores per set, and every pair of sets tested), `highly_memorized` (share of each
 * set above S_E's 95th percentile, per split) and `offsets` (S_S - S_E per split).
 */
export function candidatesVsSharedSummary(study: CandidatesVsSharedStudy): Record<string, ColumnTable> {
  const first = firstSplitScores(study);
  return {
    tests: study.tests,
    statistics: scoreStatistics(first, 'score_raw'),
    set_tests: compareSets(first, 'score_raw'),
    highly_memorized: highlyMemorized(study.scores, { quantile: 0.95, reference: 'S_E', score: 'score_raw' }),
    offsets: setOffsets(study.scores, 'S_S', 'S_E', 'score_raw'),
  };
}
