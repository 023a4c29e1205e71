import type { ExperimentConfig } from '../design/experiment-config';
import type { ExperimentData } from '../design/experiment-data';
import { check } from '../util/errors';
import { createRng } from '../util/rng';
import { subsetJob, type TrainingJob } from './training-job';

/** The training pool of a split: every train-split id of `S_S`, `S_C` and `S_I`, sorted. */
export function trainingPool(data: ExperimentData): Int32Array {
  const { S_S, S_C, S_I } = data.split;
  return Int32Array.from([...S_S, ...S_C, ...S_I]).sort();
}

/** The K-fold references of a pool: for every seed one f on the whole pool and K g's, each without one fold. */
export interface FoldPlan {
  /** Train-split ids of the pool, sorted. */
  readonly pool: Int32Array;
  /** Fold (0..K-1) of each pool entry, aligned with `pool`. */
  readonly foldOf: Int32Array;
  readonly folds: number;
  readonly seeds: readonly number[];
  /** f of `seed`: trained on the whole pool. */
  full(seed: number): TrainingJob;
  /** g_k of `seed`: trained on the pool without fold `k`. */
  without(fold: number, seed: number): TrainingJob;
  /** Every job: per seed, f and then g_0 .. g_{K-1}. */
  readonly jobs: readonly TrainingJob[];
}

/**
 * K-fold reference encoders for scoring every training point: the pool of `config`'s
 * split (all of `S_S + S_C + S_I`) is dealt into `folds` folds by a seeded shuffle (seed
 * `config.split.seed`); f trains on the whole pool, g_k on all but fold k, so each point
 * is scored with f against the g that never saw it. The f job is `subsetJob(pool)`, the
 * same run as a coreset of 100%. Under coupled training f and every g_k share the pool's
 * stream: g_k meets f's batches with fold k's slots left empty.
 */
export function foldPlan(config: ExperimentConfig, data: ExperimentData, options: { folds: number; seeds?: readonly number[] }): FoldPlan {
  const folds = options.folds;
  const pool = trainingPool(data);
  check(Number.isInteger(folds) && folds >= 2 && folds <= pool.length, 'foldPlan folds', `an integer in 2..${pool.length} (the pool's size)`, String(folds));
  const seeds = options.seeds ?? config.seeds;
  const order = createRng(config.split.seed).fork('folds').permutation(pool.length);
  const foldOf = new Int32Array(pool.length);
  order.forEach((index, position) => {
    foldOf[index] = position % folds;
  });
  const full = (seed: number) => subsetJob(config, pool, seed, `all ${pool.length} seed ${seed}`, pool);
  const without = (fold: number, seed: number) => {
    check(Number.isInteger(fold) && fold >= 0 && fold < folds, 'foldPlan without fold', `an integer in 0..${folds - 1}`, String(fold));
    return subsetJob(config, pool.filter((_, i) => foldOf[i] !== fold), seed, `without fold ${fold} seed ${seed}`, pool);
  };
  const jobs = seeds.flatMap((seed) => [full(seed), ...Array.from({ length: folds }, (_, k) => without(k, seed))]);
  return { pool, foldOf, folds, seeds, full, without, jobs };
}
