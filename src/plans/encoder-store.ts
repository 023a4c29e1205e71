import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromCsv } from '../io/csv-table';
import type { ColumnTable } from 'arquero';
import { ensureBackend } from '../backend/init-backend';
import type { TrainedEncoder } from './trained-encoder';
import { runKey } from '../runs/run-key';
import { acquireRunLock, type LockHolder } from '../runs/run-lock';
import { runStore, type MovedFile, type RunStore } from '../runs/run-store';
import { checkpointPath, latestCheckpoint, latestCheckpointEpochSync, readCheckpointRecord } from '../train/checkpoint-dir';
import { loadCheckpoint } from '../train/checkpoint';
import { InputError } from '../util/errors';
import { encoderRunKind, jobRunConfig } from './job-key';
import type { TrainingJob } from './training-job';

/**
 * The trained encoders of a run store, by job: whether one is there, its history, loading
 * it (last checkpoint or an earlier kept epoch), and training one into the store. Callers
 * name jobs, never folders; checkpoints of a training in progress live in the store's work
 * area, so an interrupted training resumes, and the run appears whole when it is done.
 */
export interface EncoderStore {
  readonly store: RunStore;
  /** True when the store holds the job's encoder (a damaged one counts as absent). Call `initBackend` first. */
  has(job: TrainingJob): boolean;
  /** The jobs of `plan` the store lacks, each once (jobs with the same key count once). */
  missing(plan: readonly TrainingJob[]): TrainingJob[];
  /** The training history (`epoch, loss, lr, seconds[, epsilon]`) of a stored job, or undefined. */
  history(job: TrainingJob): ColumnTable | undefined;
  /** The same history as the stored CSV text. */
  historyCsv(job: TrainingJob): string | undefined;
  /** Loads a stored job's encoder with its objective state and history; throws when it was never trained. */
  load(job: TrainingJob, options?: { epoch?: number }): Promise<TrainedEncoder>;
  /**
   * Runs `train` (which trains the job with checkpoints in the given folder, resuming from
   * what is there) and stores the encoder's checkpoints and history; returns `'reused'` at
   * once when the store has the job. One training per job across processes and machines
   * sharing the store: the trainer holds the job's lock (`RunStore.lockPath`), and another
   * caller waits for it (`options.onWait` says who holds it) and then reuses its encoder
   * (`'reused'`) instead of training it again. The finished checkpoints are moved (renamed)
   * from the work folder into the run, each checked against its recorded SHA-256.
   */
  trainInto(job: TrainingJob, train: (checkpointDir: string) => Promise<TrainedEncoder>, options?: TrainIntoOptions): Promise<'trained' | 'reused'>;
  /** The epoch an unfinished training of the job resumes from: its last checkpoint in the work area, 0 when none. */
  resumeEpoch(job: TrainingJob): number;
}

/** Options of `EncoderStore.trainInto`. */
export interface TrainIntoOptions {
  /** Called when another process trains the job, before waiting for it. */
  onWait?: (holder: LockHolder) => void;
  /** How often a waiter looks again (ms). Default 1000. */
  pollMs?: number;
}

/** The encoder store over `store` (default `runStore()`: `$SSLMEM_RUNS` or `runs/`). */
export function encoderStore(store: RunStore = runStore()): EncoderStore {
  const get = (job: TrainingJob) => store.get(encoderRunKind, jobRunConfig(job));
  return {
    store,
    has: (job) => store.has(encoderRunKind, jobRunConfig(job)),
    missing(plan) {
      const seen = new Set<string>();
      return plan.filter((job) => {
        const config = jobRunConfig(job);
        const key = runKey(config);
        if (seen.has(key)) return false;
        seen.add(key);
        return !store.has(encoderRunKind, config);
      });
    },
    historyCsv(job) {
      const run = get(job);
      return run === undefined || !run.files.includes('history.csv') ? undefined : run.readText('history.csv');
    },
    history(job) {
      const text = this.historyCsv(job);
      return text === undefined ? undefined : tableFromCsv(text);
    },
    async load(job, options = {}) {
      await ensureBackend();
      const run = get(job);
      if (run === undefined) throw new InputError(`run store ${store.root}`, `a trained encoder for job ${job.label}`, 'none (run its plan first)');
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
      const loaded = await loadCheckpoint(path);
      loaded.optimizer.dispose();
      return {
        job,
        label: job.label,
        side: job.trainSet.kind === 'side' ? job.trainSet.side : undefined,
        seed: job.seed,
        encoder: loaded.encoder,
        objective: loaded.objective,
        objectiveState: loaded.objectiveState,
        history: tableFromCsv(run.readText('history.csv')),
        dispose: () => {
          loaded.objectiveState.dispose();
          loaded.encoder.dispose();
        },
      };
    },
    resumeEpoch(job) {
      const config = jobRunConfig(job);
      if (!store.workKeys(encoderRunKind).includes(runKey(config))) return 0;
      return latestCheckpointEpochSync(store.workDir(encoderRunKind, config));
    },
    async trainInto(job, train, options = {}) {
      const config = jobRunConfig(job);
      if (store.has(encoderRunKind, config)) return 'reused';
      const lock = await acquireRunLock(store.lockPath(encoderRunKind, config), {
        label: job.label,
        onWait: options.onWait,
        pollMs: options.pollMs,
        done: () => store.has(encoderRunKind, config),
      });
      if (lock === undefined) return 'reused';
      try {
        if (store.has(encoderRunKind, config)) return 'reused';
        const work = store.workDir(encoderRunKind, config);
        const trained = await train(work);
        try {
          const move: Record<string, MovedFile> = {};
          for (const name of readdirSync(work).sort()) {
            if (!/^epoch-\d+\.safetensors$/.test(name)) continue;
            const from = join(work, name);
            const record = readCheckpointRecord(from);
            if (typeof record === 'string') throw new Error(`encoder ${job.label}: checkpoint ${from}: ${record}; run again to train it anew`);
            move[`checkpoints/${name}`] = { from, sha256: record.sha256 };
          }
          store.put(encoderRunKind, config, { 'history.csv': trained.history.toCSV() }, { replace: false, move });
        } finally {
          trained.dispose();
        }
        return 'trained';
      } finally {
        lock.release();
      }
    },
  };
}
