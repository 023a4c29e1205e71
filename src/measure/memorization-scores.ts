import { trainingFields } from '../plans/encoder-run';
import type { ColumnTable } from 'arquero';
import { ensureBackend } from '../backend/init-backend';
import { cached } from '../runs/cached';
import { moduleOf } from '../runs/code-fingerprint';
import { runProvenance } from '../runs/provenance';
import { tableCodec } from '../runs/run-codec';
import { storeOf, trainedSides, type TrainedEncodersOptions } from '../plans/trained-encoders';
import { sidePlan } from '../plans/side-plan';
import type { TrainingPlan } from '../plans/training-job';
import type { ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { scoreSets, type ScoreSetsOptions } from './score-sets';

/** Options of `memorizationScores`. */
export interface MemorizationScoresOptions extends TrainedEncodersOptions {
  onProgress?: ScoreSetsOptions['onProgress'];
  /** Compute again even when the run store has the table. Default false. */
  refresh?: boolean;
  /** The config's data (`loadExperimentData(config)`) when the caller has loaded it; loaded here otherwise. */
  data?: ExperimentData;
  /** The config's side plan (`sidePlan(config)`) when the caller has built it; built here otherwise. */
  plan?: TrainingPlan;
}

/** The run-store kind under which `memorizationScores` keeps its tables. */
export const memorizationScoresKind = 'scores';

/**
 * The run-store key of a config's scores table: the parts that determine it (probe
 * settings and the name are left out) and the provenance of this module's code.
 */
export function memorizationScoresKey(config: ExperimentConfig): Record<string, unknown> {
  const { seeds, score } = config;
  return { ...trainingFields(config), seeds, score, provenance: runProvenance(moduleOf(__filename)) };
}

/**
 * The SSLMem table of an experiment (see `scoreSets`: one row per point of S_C, S_S, S_I
 * and S_E), from the run store when it was computed before, else computed (training the
 * missing encoders) and stored. Notebooks and the CLI share it.
 */
export async function memorizationScores(config: ExperimentConfig, options: MemorizationScoresOptions = {}): Promise<ColumnTable> {
  await ensureBackend();
  return cached(
    memorizationScoresKind,
    memorizationScoresKey(config),
    async () => {
      const pair = await trainedSides(options.plan ?? sidePlan(config), options);
      try {
        return await scoreSets(config, options.data ?? (await loadExperimentData(config)), pair.f, pair.g, { onProgress: options.onProgress });
      } finally {
        pair.dispose();
      }
    },
    { ...tableCodec('scores.csv'), store: storeOf(options), refresh: options.refresh },
  );
}
