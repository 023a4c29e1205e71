import type { ColumnTable } from 'arquero';
import { scoresOverSplits } from '../scores-over-splits';
import type { FindingRunOptions } from '../finding';
import { trainStages } from '../train-stages';
import { candidatesVsSharedPlan } from './plan';
import type { CandidatesVsSharedSettings } from './settings';

/** What finding 2 measured: every split's scores and the test of S_C > S_S per split. */
export interface CandidatesVsSharedStudy {
  readonly settings: CandidatesVsSharedSettings;
  /** Every split's scores (see `scoreSets`) with `split_seed`. */
  readonly scores: ColumnTable;
  /** One row per split: means per set, gap, Welch t, df and one-sided p (raw scores). */
  readonly tests: ColumnTable;
}

/** Trains the encoders of every split (one plan, any runner), then scores each split (cached in the run store). */
export async function runCandidatesVsShared(settings: CandidatesVsSharedSettings, options: FindingRunOptions = {}): Promise<CandidatesVsSharedStudy> {
  const runner = await trainStages(candidatesVsSharedPlan, settings, options);
  const { scores, tests } = await scoresOverSplits(settings.config, settings.splitSeeds, { runner });
  return { settings, scores, tests };
}
