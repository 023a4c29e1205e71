import type { ColumnTable } from 'arquero';
import { splitSizes } from '../../data/splits';
import { resolveExperimentDp } from '../../design/privacy-config';
import type { ExperimentConfig } from '../../design/experiment-config';
import { labelMemorization } from '../../measure/label-memorization';
import { epsilonSpent } from '../../plans/train-side';
import { planDp } from '../../train/dp-options';
import type { FindingRunOptions } from '../finding';
import { levelColumns, measureLevels, setColumn } from '../level-study';
import { trainStages } from '../train-stages';
import { meanJobSeconds } from '../training-cost';
import { privacyPlan } from './plan';
import { privacyLevels, type PrivacySettings } from './settings';

/** What `runPrivacy` measured. */
export interface PrivacyStudy {
  readonly settings: PrivacySettings;
  /**
   * By framework, one row per privacy level and seed: `epsilon, seed, noise` (the noise
   * multiplier DP-SGD used), `epsilon_spent` (by encoder f), SSLMem's mean over S_C and
   * S_S and their gap, raw and range-normalised, the one-sided Welch p-value of S_C > S_S,
   * the linear-probe accuracy of f, and for supervised training the gap of label
   * memorization (`label_gap`).
   */
  readonly levels: Readonly<Record<string, ColumnTable>>;
  /** Mean training time of one encoder of the study, in seconds (from the stored histories; NaN or absent when unknown). */
  readonly secondsPerEncoder?: number;
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** The noise multiplier DP-SGD trains encoder f of `config` with (0 without DP). */
export function noiseOf(config: ExperimentConfig): number {
  if (config.dp === undefined) return 0;
  const sizes = splitSizes(config.split.trainSize, config.split.fractions);
  return planDp(resolveExperimentDp(config.dp), { dataSize: sizes.shared + sizes.candidate, batchSize: config.train.batchSize, epochs: config.train.epochs, dropLast: true }).noise;
}

/**
 * Finding 6's data: trains every privacy level of every framework at once (one f and one
 * g per seed, through the runner), then per framework, level and seed (`measureLevels`,
 * S_C and S_S only) the noise multiplier and the epsilon f spent, SSLMem's gap raw and
 * range-normalised, its p-value, the probe accuracy of f, and for supervised training
 * the gap of label memorization.
 */
export async function runPrivacy(settings: PrivacySettings, options: FindingRunOptions = {}): Promise<PrivacyStudy> {
  const runner = await trainStages(privacyPlan, settings, options);
  const levels: Record<string, ColumnTable> = {};
  for (const [framework, frameworkLevels] of Object.entries(privacyLevels(settings))) {
    levels[framework] = await measureLevels(frameworkLevels, {
      runner,
      level: 'epsilon',
      probe: settings.probe,
      columns: ['noise', 'epsilon_spent', ...levelColumns, 'label_gap'],
      extra: async ({ config, pair }) => {
        const row: Record<string, number> = { noise: noiseOf(config), epsilon_spent: epsilonSpent(pair.f[0]) ?? Infinity };
        if (config.objective.name === 'supervised') {
          const labels = await labelMemorization(config, { runner });
          row.label_gap = mean(setColumn(labels, 'S_C', 'score')) - mean(setColumn(labels, 'S_S', 'score'));
        }
        return row;
      },
    });
  }
  const jobs = (await privacyPlan(settings)).stages.flatMap((stage) => stage.jobs ?? []);
  return { settings, levels, secondsPerEncoder: meanJobSeconds(jobs, runner.encoders) };
}
