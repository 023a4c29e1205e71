import { trainingFields } from '../plans/encoder-run';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { ensureBackend } from '../backend/init-backend';
import { datasetSource } from '../memorization/image-source';
import { labelMemorizationScores } from '../memorization/label-memorization';
import { cached } from '../runs/cached';
import { moduleOf } from '../runs/code-fingerprint';
import { runProvenance } from '../runs/provenance';
import { tableCodec } from '../runs/run-codec';
import { withObjective, type ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, setImages, setNames, type SetName } from '../design/experiment-data';
import { storeOf, trainedEncoders, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Options of `labelMemorization`. */
export interface LabelMemorizationOptions extends TrainedEncodersOptions {
  /** Called when a set is done (after the training), with its points done and in all. */
  onProgress?: (set: SetName, done: number, total: number) => void;
  /** Compute again even when the run store has the table (stored models are still reused). Default false. */
  refresh?: boolean;
}

/** The run-store kind under which `labelMemorization` keeps its tables. */
export const labelMemorizationKind = 'label-memorization';

/**
 * The config label memorization trains its models with: `config` itself when its objective
 * is `supervised`, else `config` with the supervised objective (`withObjective`: the
 * dataset's classes) on the same data, split, encoder, training and seeds.
 */
export function labelMemorizationConfig(config: ExperimentConfig): ExperimentConfig {
  return config.objective.name === 'supervised' ? config : withObjective(config, 'supervised');
}

/**
 * The run-store key of a config's label-memorization table: the parts that determine it
 * (of `labelMemorizationConfig(config)`; scoring and probe settings and the name are left
 * out) and the provenance of this module's code.
 */
export function labelMemorizationKey(config: ExperimentConfig): Record<string, unknown> {
  const supervised = labelMemorizationConfig(config);
  return { ...trainingFields(supervised), seeds: supervised.seeds, provenance: runProvenance(moduleOf(__filename)) };
}

/**
 * Label memorization (Feldman & Zhang 2020) on the SSLMem split: supervised models f
 * (trained on S_S + S_C) and g (trained on S_S + S_I), one of each per seed, trained with
 * `labelMemorizationConfig(config)` (or taken from the run store). One row per point of
 * S_C, S_S, S_I and S_E, in the order of `memorizationScores`: `id, set, label, p_f, p_g,
 * score`, where `id` indexes the train split (the test split for S_E), `p_f` is the mean over
 * the f seeds of the softmax probability of the true label `label`, `p_g` likewise for g,
 * and `score = p_f - p_g` (`labelMemorizationScores`), then each seed's own score
 * `raw_seed<S>` (the f of seed S minus the g of seed S), so that `rankingReliability` measures
 * how far the seeds agree. From the run store when computed before.
 */
export async function labelMemorization(config: ExperimentConfig, options: LabelMemorizationOptions = {}): Promise<ColumnTable> {
  await ensureBackend();
  const supervised = labelMemorizationConfig(config);
  return cached(
    labelMemorizationKind,
    labelMemorizationKey(supervised),
    async () => {
      const pair = await trainedEncoders(supervised, options);
      try {
        const data = await loadExperimentData(supervised);
        const columns = { id: [] as number[], set: [] as string[], label: [] as number[], p_f: [] as number[], p_g: [] as number[], score: [] as number[] };
        const perSeed = supervised.seeds.map((seed) => ({ name: `raw_seed${seed}`, values: [] as number[] }));
        for (const set of setNames) {
          const { dataset, ids } = setImages(data, set);
          const labels = Int32Array.from(ids, (i) => dataset.labels[i]);
          const scores = labelMemorizationScores(pair.f, pair.g, datasetSource(dataset, ids), labels, { batchSize: supervised.score.batchSize, objective: supervised.objective.name });
          for (let i = 0; i < ids.length; i++) {
            columns.id.push(ids[i]);
            columns.set.push(set);
            columns.label.push(labels[i]);
            columns.p_f.push(scores.pF[i]);
            columns.p_g.push(scores.pG[i]);
            columns.score.push(scores.score[i]);
            perSeed.forEach((column, k) => column.values.push(scores.perF[k][i] - scores.perG[k][i]));
          }
          options.onProgress?.(set, ids.length, ids.length);
        }
        return aq.table({ ...columns, ...Object.fromEntries(perSeed.map((column) => [column.name, column.values])) });
      } finally {
        pair.dispose();
      }
    },
    { ...tableCodec('label-memorization.csv'), store: storeOf(options), refresh: options.refresh },
  );
}
