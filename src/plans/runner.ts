import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { activeBackend, ensureBackend, type BackendChoice } from '../backend/init-backend';
import { poolSizeFor } from '../parallel/pool-size-for';
import { runInWorkers } from '../parallel/run-in-workers';
import { runStore, type RunStore } from '../runs/run-store';
import { encoderStore, type EncoderStore } from './encoder-store';
import { jobKey, jobRunConfig } from './job-key';
import type { TrainJobTaskArgs } from './train-job-task';
import { trainJobTask } from './train-job-task';
import type { TrainingJob, TrainingPlan } from './training-job';

/** Progress of one job: after each epoch, and once per trainer warning. */
export interface JobMessage {
  readonly label: string;
  readonly seed: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Under DP-SGD: the epsilon spent so far. */
  readonly epsilon?: number;
  /** Set when the trainer warns; the epoch fields repeat the last epoch. */
  readonly warning?: string;
  /**
   * Set for a note on the job that is no epoch: e.g. `waiting for f seed 0: being trained by
   * pid 4242 on host-a` when another process trains it (this one then reuses its encoder).
   */
  readonly note?: string;
}

/** Options of `Runner.run`. */
export interface RunPlanOptions {
  /** Called after every epoch of every job that trains (and for its warnings). */
  onEpoch?: (message: JobMessage) => void;
}

/** What `Runner.run` did: the jobs it trained and those the store already had. */
export interface PlanOutcome {
  readonly trained: readonly TrainingJob[];
  readonly reused: number;
}

/**
 * Executes training plans into a run store: every job the store lacks is trained once
 * (in any order, possibly in parallel); jobs it has are reused. The local worker pool is
 * one runner; a queue over many machines is another.
 */
export interface Runner {
  /** The encoders the runner trains into (and plans load from). */
  readonly encoders: EncoderStore;
  run(plan: TrainingPlan, options?: RunPlanOptions): Promise<PlanOutcome>;
}

/** Options of `localRunner`. */
export interface LocalRunnerOptions {
  /** Run store (default `runStore()`: `$SSLMEM_RUNS` or `runs/`). */
  store?: RunStore;
  /** Worker threads for the missing jobs; 1 trains in this thread. Default from the core count. */
  workers?: number;
}

/** Where compiled or TypeScript sources of this folder live, for worker tasks. */
function taskModule(): string {
  return join(__dirname, __filename.endsWith('.ts') ? 'train-job-task.ts' : 'train-job-task.js');
}

/**
 * The runner of this machine: missing jobs run in worker threads (each with the backend
 * this thread chose, passed in the task's arguments), or in this thread when `workers` is
 * 1 or one job is missing.
 */
export function localRunner(options: LocalRunnerOptions = {}): Runner {
  const encoders = encoderStore(options.store ?? runStore());
  return {
    encoders,
    async run(plan, runOptions = {}) {
      const info = await ensureBackend();
      const missing = encoders.missing(plan);
      const distinct = new Set(plan.map((job) => jobKey(job))).size;
      const backend = (activeBackend()?.name ?? info.name) as BackendChoice;
      const argsOf = (job: TrainingJob): TrainJobTaskArgs => {
        const config = jobRunConfig(job);
        return { job, root: encoders.store.root, backend, key: jobKey(job), provenance: config.provenance };
      };
      const workers = Math.min(options.workers ?? poolSizeFor(availableParallelism(), { tasks: missing.length }), missing.length);
      const post = (m: unknown) => runOptions.onEpoch?.(m as JobMessage);
      if (missing.length > 0 && workers <= 1) {
        for (const job of missing) await trainJobTask(argsOf(job), { progress: () => {}, post });
      } else if (missing.length > 0) {
        await runInWorkers(
          missing.map((job) => ({ module: taskModule(), fn: 'trainJobTask', args: argsOf(job) })),
          { poolSize: workers, onMessage: (_, m) => post(m) },
        );
      }
      return { trained: missing, reused: distinct - missing.length };
    },
  };
}
