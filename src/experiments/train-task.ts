import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../backend/init-backend';
import type { ExperimentConfig, Side } from './experiment-config';
import { loadExperimentData } from './experiment-data';
import { trainSide } from './train-side';
import type { TaskContext } from '../parallel/worker-task';
import { encoderRunConfig, encoderRunKind } from './encoder-run';
import { runStore } from '../runs/run-store';

/** Arguments of `trainTask` (plain JSON, so the task can run in a worker). */
export interface TrainTaskArgs {
  readonly config: ExperimentConfig;
  readonly side: Side;
  readonly seed: number;
  /** Root of the run store. */
  readonly root: string;
}

/** Progress a training task reports: after each epoch. */
export interface TrainTaskMessage {
  readonly side: Side;
  readonly seed: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
}

/**
 * Trains one encoder of an experiment and stores its checkpoints and history in the run
 * store (kind `encoder`). Checkpoints go to a work folder beside the run first, so an
 * interrupted training resumes there; the run appears atomically when training is done.
 * Runs in the calling thread or as a `runInWorkers` task.
 */
export async function trainTask(args: TrainTaskArgs, context?: Pick<TaskContext, 'progress' | 'post'>): Promise<string> {
  const { config, side, seed } = args;
  const store = runStore(args.root);
  const runConfig = encoderRunConfig(config, side, seed);
  const existing = store.get(encoderRunKind, runConfig);
  if (existing !== undefined) return existing.dir;
  await initBackend();
  const work = `${store.dir(encoderRunKind, runConfig)}.work`;
  mkdirSync(work, { recursive: true });
  const data = await loadExperimentData(config);
  const trained = await trainSide(config, data, side, seed, {
    checkpointDir: work,
    onEpoch: (info) => {
      context?.progress(info.epoch / info.epochs, `${side}${seed} epoch ${info.epoch}/${info.epochs} loss ${info.loss.toFixed(4)}`);
      context?.post({ side, seed, epoch: info.epoch, epochs: info.epochs, loss: info.loss } satisfies TrainTaskMessage);
    },
  });
  try {
    const files: Record<string, Uint8Array | string> = { 'history.csv': trained.history.toCSV() };
    for (const name of readdirSync(work)) if (name.endsWith('.safetensors')) files[`checkpoints/${name}`] = readFileSync(join(work, name));
    const run = store.put(encoderRunKind, runConfig, files, { replace: false });
    rmSync(work, { recursive: true, force: true });
    return run.dir;
  } finally {
    trained.dispose();
  }
}

