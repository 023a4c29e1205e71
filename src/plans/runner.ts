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
import type { JobMessage } from './job-message';
import type { TrainingJob, TrainingPlan } from './training-job';
import { holdInterruptSignal } from './interrupt-signal';
import { PlanInterruptedError } from './plan-interrupted-error';

export type { JobMessage } from './job-message';

/** Options of `Runner.run`. */
export interface RunPlanOptions {
  /** Called after every epoch of every job that trains (and for its warnings). */
  onEpoch?: (message: JobMessage) => void;
  /**
   * Stops the plan: trainings are ended (worker threads terminated), their checkpoints kept
   * for resuming, and `run` rejects with a `PlanInterruptedError`. Default: SIGINT where the
   * process survives it (a Jupyter kernel; see `holdInterruptSignal`), else none.
   */
  signal?: AbortSignal;
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
      const post = (m: unknown) => {
        if (!signal?.aborted) runOptions.onEpoch?.(m as JobMessage);
      };
      const held = runOptions.signal === undefined && missing.length > 0 ? holdInterruptSignal() : undefined;
      const signal = runOptions.signal ?? held?.signal;
      try {
        if (missing.length > 0 && workers <= 1) {
          for (const job of missing) {
            signal?.throwIfAborted();
            await trainJobTask(argsOf(job), { progress: () => {}, post }, signal);
          }
        } else if (missing.length > 0) {
          await runInWorkers(
            missing.map((job) => ({ module: taskModule(), fn: 'trainJobTask', args: argsOf(job) })),
            { poolSize: workers, onMessage: (_, m) => post(m), ...(signal ? { signal } : {}) },
          );
        }
      } catch (error) {
        if (signal?.aborted) throw interrupted(encoders, plan);
        throw error;
      } finally {
        held?.release();
      }
      return { trained: missing, reused: distinct - missing.length };
    },
  };
}

/**
 * What an interrupted plan kept: encoders stored, and where the others resume. Synchronous,
 * so that the caller (a notebook cell) ends in the turn of the interrupt.
 */
function interrupted(encoders: EncoderStore, plan: TrainingPlan): PlanInterruptedError {
  const distinct = [...new Map(plan.map((job) => [jobKey(job), job])).values()];
  const rest = encoders.missing(distinct);
  const resume = rest.map((job) => encoders.resumeEpoch(job));
  return new PlanInterruptedError(distinct.length - rest.length, distinct.length, resume);
}
