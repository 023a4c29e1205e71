import type { ColumnTable } from 'arquero';
import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { ensureBackend } from '../backend/init-backend';
import { datasetSource } from '../memorization/image-source';
import { alignmentLosses } from '../memorization/alignment-loss';
import { encoderRepresenter } from '../memorization/representer';
import { foldPlan, type FoldPlan } from '../plans/fold-plan';
import { cached } from '../runs/cached';
import { moduleOf } from '../runs/code-fingerprint';
import { runProvenance } from '../runs/provenance';
import { tableCodec } from '../runs/run-codec';
import { check } from '../util/errors';
import { trainingFields } from '../plans/encoder-run';
import type { ExperimentConfig } from '../design/experiment-config';
import { loadExperimentData, type ExperimentData } from '../design/experiment-data';
import { alignmentOptionsOf } from './score-sets';
import { concatPoints, scoreTable } from './score-table';
import type { TrainedEncoder } from '../plans/train-side';
import { runnerOf, storeOf, type TrainedEncodersOptions } from '../plans/trained-encoders';

/** Options of `allPointScores`. */
export interface AllPointScoresOptions extends Omit<TrainedEncodersOptions, 'epoch'> {
  /** Number of folds K (one reference encoder per fold and seed). Default 4. */
  folds?: number;
  /** Called after each batch with the fold being scored and the points done in it. */
  onProgress?: (fold: number, done: number, total: number) => void;
  /** Compute again even when the run store has the table. Default false. */
  refresh?: boolean;
  /** The config's data (`loadExperimentData(config)`) when the caller has loaded it; loaded here otherwise. */
  data?: ExperimentData;
  /** The K-fold plan (`allPointsPlan(config, data, folds)`) when the caller has built it; built here otherwise. */
  plan?: FoldPlan;
}

/** Default number of folds of `allPointScores`. */
export const defaultFolds = 4;

/** The run-store kind of `allPointScores` tables. */
export const allPointScoresKind = 'all-point-scores';

/** The run-store key of a config's all-point scores with K folds. */
export function allPointScoresKey(config: ExperimentConfig, folds: number): Record<string, unknown> {
  const { seeds, score } = config;
  return { ...trainingFields(config), seeds, score, folds, provenance: runProvenance(moduleOf(__filename)) };
}

/** The K-fold plan of `allPointScores` for a config (f on the whole pool, g_k without fold k, per seed). */
export function allPointsPlan(config: ExperimentConfig, data: ExperimentData, folds: number = defaultFolds): FoldPlan {
  return foldPlan(config, data, { folds });
}

/**
 * SSLMem of every training point (`S_S + S_C + S_I` of the config's split, the pool):
 * per seed, f trains on the whole pool and g_k on the pool without fold k; each point of
 * fold k is scored with the f's against the g_k's, which never saw it (mean alignment
 * loss over the seeds, identical views, the config's scoring settings). One row per
 * point, sorted by id: `id, set ('train'), label, align_f, align_g, score_raw,
 * score_range (raw / (max - min) over all points), score_ratio, fold, raw_seed<S>...` (`scoreTable`:
 * each seed's own raw score, its f against its g_k). Cached in the run
 * store; the encoders come from the runner (trained where missing).
 */
export async function allPointScores(config: ExperimentConfig, options: AllPointScoresOptions = {}): Promise<ColumnTable> {
  await ensureBackend();
  const folds = options.folds ?? defaultFolds;
  check(Number.isInteger(folds) && folds >= 2, 'allPointScores folds', 'an integer >= 2', String(folds));
  if (config.score.on !== 'representation') check(false, 'allPointScores config.score.on', '"representation"', JSON.stringify(config.score.on));
  if (options.plan !== undefined) check(options.plan.folds === folds, 'allPointScores options.plan', `a plan of ${folds} folds (options.folds)`, `${options.plan.folds} folds`);
  const store = storeOf(options);
  return cached(
    allPointScoresKind,
    allPointScoresKey(config, folds),
    async () => {
      const data = options.data ?? (await loadExperimentData(config));
      const plan = options.plan ?? allPointsPlan(config, data, folds);
      const runner = runnerOf({ ...options, store });
      await runner.run(plan.jobs, { onEpoch: options.onEpoch });
      return scoreFolds(config, data, plan, (job) => runner.encoders.load(job), options.onProgress);
    },
    { ...tableCodec('scores.csv'), store, refresh: options.refresh },
  );
}

async function scoreFolds(
  config: ExperimentConfig,
  data: ExperimentData,
  plan: FoldPlan,
  load: (job: FoldPlan['jobs'][number]) => Promise<TrainedEncoder>,
  onProgress: AllPointScoresOptions['onProgress'],
): Promise<ColumnTable> {
  const augment = augmentationFromConfig(config.score.augment ?? config.augment);
  const train = data.pair.train;
  const rows = { id: [] as number[], set: [] as string[], label: [] as number[], fold: [] as number[] };
  const perEncoder: Float32Array[][] = [...plan.seeds, ...plan.seeds].map(() => []);
  const f: TrainedEncoder[] = [];
  try {
    for (const seed of plan.seeds) f.push(await load(plan.full(seed)));
    for (let k = 0; k < plan.folds; k++) {
      const ids = plan.pool.filter((_, i) => plan.foldOf[i] === k);
      const g: TrainedEncoder[] = [];
      try {
        for (const seed of plan.seeds) g.push(await load(plan.without(k, seed)));
        const losses = await alignmentLosses([...f, ...g].map((m) => encoderRepresenter(m.encoder)), datasetSource(train, ids), augment, {
          ...alignmentOptionsOf(config),
          onProgress: onProgress && ((done, total) => onProgress(k, done, total)),
        });
        losses.forEach((l, e) => perEncoder[e].push(l));
        ids.forEach((id) => {
          rows.id.push(id);
          rows.set.push('train');
          rows.label.push(train.labels[id]);
          rows.fold.push(k);
        });
      } finally {
        g.forEach((m) => m.dispose());
      }
    }
  } finally {
    f.forEach((m) => m.dispose());
  }
  const losses = perEncoder.map(concatPoints);
  const { fold, ...points } = rows;
  return scoreTable({ ...points, perF: losses.slice(0, plan.seeds.length), perG: losses.slice(plan.seeds.length) }, { after: { fold }, seeds: plan.seeds }).orderby('id');
}
