import type { ColumnTable } from 'arquero';
import type { FindingRunOptions } from '../finding';
import { measureLevels, setColumn } from '../level-study';
import { trainStages } from '../train-stages';
import { meanJobSeconds } from '../training-cost';
import { regularizerPlan } from './plan';
import { regularizerConfigs, type RegularizerSettings } from './settings';

/** What `runRegularizer` measured. */
export interface RegularizerStudy {
  readonly settings: RegularizerSettings;
  /**
   * One row per weight and seed: `weight, seed`, the mean alignment loss of f on its
   * candidates (`align_f_S_C`, what the regulariser acts on), SSLMem's mean over S_C and
   * the gap S_C - S_S, raw and range-normalised, the one-sided Welch p-value of S_C > S_S,
   * and the linear-probe accuracy of f.
   */
  readonly levels: ColumnTable;
  /** Mean training time of one encoder of the study, in seconds (from the stored histories; NaN when unknown). */
  readonly secondsPerEncoder: number;
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Finding 8's data: trains every weight at once (one f and one g per seed, through the
 * runner), then measures each weight and seed (`measureLevels`, S_C and S_S only) with
 * the alignment loss of f on its candidates.
 */
export async function runRegularizer(settings: RegularizerSettings, options: FindingRunOptions = {}): Promise<RegularizerStudy> {
  const runner = await trainStages(regularizerPlan, settings, options);
  const levels = await measureLevels(regularizerConfigs(settings.config, settings.weights), {
    runner,
    level: 'weight',
    columns: ['align_f_S_C', 'S_C_raw', 'gap_raw', 'S_C_range', 'gap_range', 'p_value', 'accuracy'],
    extra: ({ scores }) => ({ align_f_S_C: mean(setColumn(scores, 'S_C', 'align_f')) }),
  });
  const jobs = (await regularizerPlan(settings)).stages.flatMap((stage) => stage.jobs ?? []);
  return { settings, levels, secondsPerEncoder: meanJobSeconds(jobs, runner.encoders) };
}
