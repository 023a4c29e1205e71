import type { ExperimentConfig, Side } from '../design/experiment-config';
import type { TrainedEncoder } from './train-side';
import { runStore, type RunStore } from '../runs/run-store';
import { ensureBackend } from '../backend/init-backend';
import { localRunner, type JobMessage, type Runner } from './runner';
import { sidePlan } from './side-plan';
import { sideJob, type TrainingJob, type TrainingPlan } from './training-job';
import { encoderStore } from './encoder-store';

/** Options of `trainedEncoders`. */
export interface TrainedEncodersOptions {
  /** Run store (default `runStore()`: `$SSLMEM_RUNS` or `runs/`). Ignored when `runner` is given. */
  store?: RunStore;
  /** Parallel worker threads for the trainings still missing; 1 trains in this thread. Default from the core count. Ignored when `runner` is given. */
  workers?: number;
  /** The runner that trains missing jobs (default `localRunner({ store, workers })`). */
  runner?: Runner;
  /** Called after every epoch of every training. */
  onEpoch?: (message: JobMessage) => void;
  /** Load the checkpoint of this epoch instead of the last one (must be in `train.checkpointEpochs`). */
  epoch?: number;
}

/** An encoder of one side of a split's SSLMem design. */
export type SideEncoder = TrainedEncoder & { readonly side: Side };

/** Both sides of an experiment: one f and one g per seed, in seed order. */
export interface TrainedPair {
  readonly f: SideEncoder[];
  readonly g: SideEncoder[];
  dispose(): void;
}

/** The run store of `options`: the runner's, else `options.store`, else `runStore()`. */
export function storeOf(options: Pick<TrainedEncodersOptions, 'runner' | 'store'>): RunStore {
  return options.runner?.encoders.store ?? options.store ?? runStore();
}

/** The runner of `options`: the given one, or the local pool over `options.store`. */
export function runnerOf(options: Pick<TrainedEncodersOptions, 'runner' | 'store' | 'workers'>): Runner {
  return options.runner ?? localRunner({ store: options.store, workers: options.workers });
}

/**
 * Loads the encoders of a plan's jobs (after training the missing ones with the runner),
 * in plan order; disposes what it loaded when one load fails.
 */
export async function trainedJobs(jobs: readonly TrainingJob[], options: TrainedEncodersOptions = {}): Promise<TrainedEncoder[]> {
  const runner = runnerOf(options);
  await runner.run(jobs, { onEpoch: options.onEpoch });
  const loaded: TrainedEncoder[] = [];
  try {
    for (const job of jobs) loaded.push(await runner.encoders.load(job, { epoch: options.epoch }));
  } catch (error) {
    for (const m of loaded) m.dispose();
    throw error;
  }
  return loaded;
}

/**
 * Trains the encoders of `config` (its `sidePlan`: one f and one g per seed) that the run
 * store lacks, with the runner (parallel worker threads by default). Loads nothing;
 * returns how many were trained.
 */
export async function trainMissingEncoders(config: ExperimentConfig, options: Omit<TrainedEncodersOptions, 'epoch'> = {}): Promise<number> {
  const outcome = await runnerOf(options).run(sidePlan(config), { onEpoch: options.onEpoch });
  return outcome.trained.length;
}

/**
 * Trains (or takes from the run store) one encoder f and one g per seed of `config`, and
 * loads them (the last checkpoint, or `options.epoch`'s); see `trainMissingEncoders`.
 */
export function trainedEncoders(config: ExperimentConfig, options: TrainedEncodersOptions = {}): Promise<TrainedPair> {
  return trainedSides(sidePlan(config), options);
}

/**
 * `trainedEncoders` for a side plan the caller has built already (`sidePlan(config)`, or
 * a part of it): its f and g encoders, trained where missing, loaded in plan order.
 */
export async function trainedSides(plan: TrainingPlan, options: TrainedEncodersOptions = {}): Promise<TrainedPair> {
  const loaded = await trainedJobs(plan, options);
  return {
    f: loaded.filter((m): m is SideEncoder => m.side === 'f'),
    g: loaded.filter((m): m is SideEncoder => m.side === 'g'),
    dispose: () => loaded.forEach((m) => m.dispose()),
  };
}

/**
 * Loads one stored encoder (with its objective state and history) of `config`; the
 * checkpoint of `options.epoch`, or the last one. Throws if it was never trained.
 */
export async function loadTrainedEncoder(config: ExperimentConfig, side: Side, seed: number, options: { store?: RunStore; epoch?: number } = {}): Promise<TrainedEncoder> {
  await ensureBackend();
  return encoderStore(options.store ?? runStore()).load(sideJob(config, side, seed), { epoch: options.epoch });
}
