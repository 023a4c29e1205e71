import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBackend } from '../backend/init-backend';
import type { ExperimentConfig, Side } from './experiment-config';
import { loadExperimentData } from './experiment-data';
import { trainSide } from './train-side';
import type { TaskContext } from '../parallel/worker-task';
import { encoderRunConfig, encoderRunKind } from './encoder-run';
import { runKey } from '../runs/run-key';
import { runStore } from '../runs/run-store';
import { NonFiniteLossError } from '../train/non-finite-loss-error';

/** Arguments of `trainTask` (plain JSON, so the task can run in a worker). */
export interface TrainTaskArgs {
  readonly config: ExperimentConfig;
  readonly side: Side;
  readonly seed: number;
  /** Root of the run store. */
  readonly root: string;
  /**
   * The run key the caller expects (`runKey(encoderRunConfig(...))` in its own thread): a
   * worker whose backend computes with another arithmetic refuses to train instead of
   * storing the encoder where the caller will not look.
   */
  readonly key?: string;
  /** The caller's provenance of that key (library, code fingerprint, arithmetic), to say which part differs. */
  readonly provenance?: unknown;
}

/** Progress a training task reports: after each epoch, and once per warning. */
export interface TrainTaskMessage {
  readonly side: Side;
  readonly seed: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Under DP-SGD: the epsilon spent so far. */
  readonly epsilon?: number;
  /** Set when the trainer warns (e.g. the loss stays at chance level); the epoch fields repeat the last epoch. */
  readonly warning?: string;
}

/**
 * Trains one encoder of an experiment and stores its checkpoints and history in the run
 * store (kind `encoder`). Checkpoints go to the run's work folder first, so an interrupted
 * training resumes there; the run appears atomically when training is done. Runs in the
 * calling thread or as a `runInWorkers` task. A diverging loss is reported with the
 * encoder's side and seed.
 */
export async function trainTask(args: TrainTaskArgs, context?: Pick<TaskContext, 'progress' | 'post'>): Promise<string> {
  const { config, side, seed } = args;
  await ensureBackend();
  const store = runStore(args.root);
  const runConfig = encoderRunConfig(config, side, seed);
  const key = runKey(runConfig);
  if (args.key !== undefined && args.key !== key) {
    const mine = runConfig.provenance as { arithmetic: unknown; code: unknown; library: unknown };
    const theirs = args.provenance as typeof mine | undefined;
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const cause =
      theirs !== undefined && !same(theirs.code, mine.code)
        ? `its library code differs from the caller's (fingerprint ${JSON.stringify(mine.code)}, the caller's ${JSON.stringify(theirs.code)}): was dist/ rebuilt while the caller ran? Run again`
        : theirs !== undefined && !same(theirs.arithmetic, mine.arithmetic)
          ? `its backend computes with ${JSON.stringify(mine.arithmetic)}, the caller's with ${JSON.stringify(theirs.arithmetic)}; give workers the same backend as the caller (SSLMEM_BACKEND, --backend)`
          : `its backend computes with ${JSON.stringify(mine.arithmetic)}; give workers the same backend and library build as the caller (SSLMEM_BACKEND, --backend)`;
    throw new Error(`encoder ${side} seed ${seed}: this thread would store run ${key.slice(0, 12)}..., the caller expects ${args.key.slice(0, 12)}...: ${cause}`);
  }
  const existing = store.get(encoderRunKind, runConfig);
  if (existing !== undefined) return existing.dir;
  const work = store.workDir(encoderRunKind, runConfig);
  const data = await loadExperimentData(config);
  let last: { epoch: number; epochs: number; loss: number; epsilon?: number } = { epoch: 0, epochs: config.train.epochs, loss: Number.NaN };
  const trained = await trainSide(config, data, side, seed, {
    checkpointDir: work,
    onEpoch: (info) => {
      last = { epoch: info.epoch, epochs: info.epochs, loss: info.loss, ...(info.epsilon === undefined ? {} : { epsilon: info.epsilon }) };
      context?.progress(info.epoch / info.epochs, `${side}${seed} epoch ${info.epoch}/${info.epochs} loss ${info.loss.toFixed(4)}`);
      context?.post({ side, seed, ...last } satisfies TrainTaskMessage);
    },
    onWarning: (w) => context?.post({ side, seed, ...last, warning: `encoder ${side} seed ${seed}: ${w.message}` } satisfies TrainTaskMessage),
  }).catch((error: unknown) => {
    if (error instanceof NonFiniteLossError) {
      throw new Error(`encoder ${side} seed ${seed} of "${config.name}" diverged: ${error.message}`, { cause: error });
    }
    throw error;
  });
  try {
    const files: Record<string, Uint8Array | string> = { 'history.csv': trained.history.toCSV() };
    for (const name of readdirSync(work)) if (name.endsWith('.safetensors') && !name.startsWith('.')) files[`checkpoints/${name}`] = readFileSync(join(work, name));
    return store.put(encoderRunKind, runConfig, files, { replace: false }).dir;
  } finally {
    trained.dispose();
  }
}
