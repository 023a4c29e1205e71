import type { AugmentationConfig } from '../augment/augmentation-from-config';
import type { ObjectiveConfig } from '../methods/objective';
import type { ExperimentConfig, ExperimentTrain, Side } from '../design/experiment-config';
import type { ExperimentDp } from '../design/privacy-config';
import { datasetRequest, type DatasetRequest } from '../design/experiment-data';

/**
 * The images one training uses, as plain data: one side of a split's SSLMem design (f
 * sees `S_S + S_C`, g sees `S_S + S_I` of `job.split`), or explicit ids into the train
 * split (folds, coresets, removals), with the pool they were drawn from (`slots`, sorted)
 * when coupled training lays its stream out over the pool (`streamSlots`).
 */
export type TrainingSet =
  | { readonly kind: 'side'; readonly side: Side }
  | { readonly kind: 'ids'; readonly ids: readonly number[]; readonly slots?: readonly number[] };

/**
 * One training to run, as plain JSON: the data, the images it trains on, the encoder, the
 * objective, augmentation, training and DP-SGD settings, and the seed. Its run key is the
 * content hash of these fields (`jobRunConfig`); `label` only names it in progress lines.
 * Jobs are built by plan functions (`sidePlan`, `foldPlan`, `subsetJob`) and executed by a
 * `Runner`.
 */
export interface TrainingJob {
  /** Name in progress and errors, e.g. `f seed 0`, `fold 2 seed 1`, `top 480 seed 0`. Not part of the key. */
  readonly label: string;
  /** The dataset (name, folder; generation sizes of a synthetic one). */
  readonly dataset: DatasetRequest;
  /** The split whose sets a `side` training set names (and the split data loading draws). */
  readonly split: ExperimentConfig['split'];
  readonly trainSet: TrainingSet;
  /** Encoder config without `inputShape` (from the dataset) and `seed` (the job's). */
  readonly encoder: ExperimentConfig['encoder'];
  readonly objective: ObjectiveConfig;
  readonly augment: AugmentationConfig;
  /** The trainer's serialisable options, passed to `trainEncoder` unchanged. */
  readonly train: ExperimentTrain;
  readonly dp?: ExperimentDp;
  /** Initialisation, batch order and augmentation seed. */
  readonly seed: number;
}

/** A list of trainings; a `Runner` executes it (each job once, in any order). */
export type TrainingPlan = readonly TrainingJob[];

/** The job that trains with `config`'s settings on `trainSet`, with `seed`. */
export function jobOf(config: ExperimentConfig, trainSet: TrainingSet, seed: number, label: string): TrainingJob {
  const { split, encoder, objective, augment, dp } = config;
  // The default coupling is left out, so a config that names it keeps the run keys it had.
  const { coupling, ...independent } = config.train;
  const coupled = coupling === 'shared-stream';
  const train: ExperimentTrain = coupled ? config.train : independent;
  const set = trainSet.kind === 'ids' && !coupled ? { kind: trainSet.kind, ids: trainSet.ids } : trainSet;
  return { label, dataset: datasetRequest(config), split, trainSet: set, encoder, objective, augment, train, ...(dp === undefined ? {} : { dp }), seed };
}

/** One side of `config`'s SSLMem design for `seed` (label `f seed 0`, ...). */
export function sideJob(config: ExperimentConfig, side: Side, seed: number): TrainingJob {
  return jobOf(config, { kind: 'side', side }, seed, `${side} seed ${seed}`);
}

/**
 * A training on exactly `ids` (train-split ids, any order; they are sorted) with `config`'s
 * settings. `pool`: the ids they were chosen from; under coupled training its runs share the
 * pool's stream (`streamSlots`), otherwise it is not part of the job.
 */
export function subsetJob(config: ExperimentConfig, ids: ArrayLike<number>, seed: number, label: string, pool?: ArrayLike<number>): TrainingJob {
  const byId = (a: number, b: number) => a - b;
  const slots = pool === undefined ? {} : { slots: Array.from(pool).sort(byId) };
  return jobOf(config, { kind: 'ids', ids: Array.from(ids).sort(byId), ...slots }, seed, label);
}
