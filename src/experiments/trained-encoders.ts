import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ExperimentConfig, Side } from './experiment-config';
import type { TrainedEncoder } from './train-side';
import { poolSizeFor } from '../parallel/pool-size-for';
import { runInWorkers } from '../parallel/run-in-workers';
import { checkpointPath, latestCheckpoint } from '../train/checkpoint-dir';
import { loadCheckpoint } from '../train/checkpoint';
import * as aq from 'arquero';
import { InputError } from '../util/errors';
import { encoderRunConfig, encoderRunKind } from './encoder-run';
import { runStore, type RunStore } from '../runs/run-store';
import { trainTask, type TrainTaskArgs, type TrainTaskMessage } from './train-task';
import { ensureBackend } from '../backend/init-backend';
import { runKey } from '../runs/run-key';

/** Options of `trainedEncoders`. */
export interface TrainedEncodersOptions {
  /** Run store (default `runStore()`: `$SSLMEM_RUNS` or `runs/`). */
  store?: RunStore;
  /** Parallel worker threads for the trainings still missing; 1 trains in this thread. Default from the core count. */
  workers?: number;
  /** Called after every epoch of every training. */
  onEpoch?: (message: TrainTaskMessage) => void;
  /** Load the checkpoint of this epoch instead of the last one (must be in `train.checkpointEpochs`). */
  epoch?: number;
}

/** Both sides of an experiment: one f and one g per seed, in seed order. */
export interface TrainedPair {
  readonly f: TrainedEncoder[];
  readonly g: TrainedEncoder[];
  dispose(): void;
}

/** Where compiled or TypeScript sources of this folder live, for worker tasks. */
function trainTaskModule(): string {
  return join(__dirname, __filename.endsWith('.ts') ? 'train-task.ts' : 'train-task.js');
}

/**
 * Trains the encoders of `config` (one f and one g per seed) that the run store lacks, in
 * parallel worker threads (one backend each), or in this thread when `workers` is 1 or only
 * one is missing. Loads nothing; returns how many were trained.
 */
export async function trainMissingEncoders(config: ExperimentConfig, options: Omit<TrainedEncodersOptions, 'epoch'> = {}): Promise<number> {
  await ensureBackend();
  const store = options.store ?? runStore();
  const missing = missingEncoders(config, store);
  const workers = Math.min(options.workers ?? poolSizeFor(availableParallelism(), { tasks: missing.length }), missing.length);
  const argsOf = ({ side, seed }: { side: Side; seed: number }): TrainTaskArgs => {
    const runConfig = encoderRunConfig(config, side, seed);
    return { config, side, seed, root: store.root, key: runKey(runConfig), provenance: runConfig.provenance };
  };
  if (missing.length > 0 && workers <= 1) {
    for (const job of missing) await trainTask(argsOf(job), { progress: () => {}, post: (m) => options.onEpoch?.(m as TrainTaskMessage) });
  } else if (missing.length > 0) {
    await runInWorkers(
      missing.map((job) => ({ module: trainTaskModule(), fn: 'trainTask', args: argsOf(job) })),
      { poolSize: workers, onMessage: (_, m) => options.onEpoch?.(m as TrainTaskMessage) },
    );
  }
  return missing.length;
}

/** The encoders (side, seed) of `config`, one f and one g per seed, in seed order. */
export function sideSeedPairs(config: ExperimentConfig): Array<{ side: Side; seed: number }> {
  return config.seeds.flatMap((seed) => (['f', 'g'] as Side[]).map((side) => ({ side, seed })));
}

/** The encoders of `config` that the run store lacks (damaged ones count as missing; call `initBackend` first). */
export function missingEncoders(config: ExperimentConfig, store: RunStore = runStore()): Array<{ side: Side; seed: number }> {
  return sideSeedPairs(config).filter((j) => !store.has(encoderRunKind, encoderRunConfig(config, j.side, j.seed)));
}

/**
 * Trains (or takes from the run store) one encoder f and one g per seed of `config`, and
 * loads them (the last checkpoint, or `options.epoch`'s); see `trainMissingEncoders`.
 */
export async function trainedEncoders(config: ExperimentConfig, options: TrainedEncodersOptions = {}): Promise<TrainedPair> {
  const store = options.store ?? runStore();
  await trainMissingEncoders(config, { ...options, store });
  const jobs = sideSeedPairs(config);
  const loaded: TrainedEncoder[] = [];
  try {
    for (const { side, seed } of jobs) loaded.push(await loadTrainedEncoder(config, side, seed, { store, epoch: options.epoch }));
  } catch (error) {
    for (const m of loaded) m.dispose();
    throw error;
  }
  return {
    f: loaded.filter((m) => m.side === 'f'),
    g: loaded.filter((m) => m.side === 'g'),
    dispose: () => loaded.forEach((m) => m.dispose()),
  };
}

/**
 * Loads one stored encoder (with its objective state and history) of `config`; the
 * checkpoint of `options.epoch`, or the last one. Throws if it was never trained.
 */
export async function loadTrainedEncoder(
  config: ExperimentConfig,
  side: Side,
  seed: number,
  options: { store?: RunStore; epoch?: number } = {},
): Promise<TrainedEncoder> {
  await ensureBackend();
  const store = options.store ?? runStore();
  const run = store.get(encoderRunKind, encoderRunConfig(config, side, seed));
  if (run === undefined) {
    throw new InputError(`run store ${store.root}`, `a trained encoder ${side} seed ${seed} of config "${config.name}"`, 'none (train it with trainedEncoders first)');
  }
  const dir = join(run.dir, 'checkpoints');
  let path: string;
  if (options.epoch !== undefined) {
    path = checkpointPath(dir, options.epoch);
    if (!run.files.includes(`checkpoints/${path.split('/').pop()}`)) {
      throw new InputError(`${run.dir}`, `a checkpoint of epoch ${options.epoch} (one of train.checkpointEpochs)`, run.files.filter((f) => f.startsWith('checkpoints/')).join(', '));
    }
  } else {
    const latest = await latestCheckpoint(dir);
    if (latest === undefined) throw new InputError(run.dir, 'checkpoints/epoch-*.safetensors', 'none');
    path = latest.path;
  }
  const loadedCheckpoint = await loadCheckpoint(path);
  loadedCheckpoint.optimizer.dispose();
  const history = aq.fromCSV(run.readText('history.csv'));
  return {
    side,
    seed,
    encoder: loadedCheckpoint.encoder,
    objective: loadedCheckpoint.objective,
    objectiveState: loadedCheckpoint.objectiveState,
    history,
    dispose: () => {
      loadedCheckpoint.objectiveState.dispose();
      loadedCheckpoint.encoder.dispose();
    },
  };
}
