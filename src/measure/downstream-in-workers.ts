import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { activeBackend, ensureBackend, initBackend, type BackendChoice } from '../backend/init-backend';
import type { ExperimentConfig } from '../design/experiment-config';
import type { Encoder } from '../encoders/encoder';
import { poolSizeFor } from '../parallel/pool-size-for';
import { runInWorkers } from '../parallel/run-in-workers';
import { encoderStore } from '../plans/encoder-store';
import { jobKey } from '../plans/job-key';
import { keyMismatch } from '../plans/key-mismatch';
import type { TrainingJob } from '../plans/training-job';
import { runStore, type RunStore } from '../runs/run-store';
import { defaultDownstreamSettings, downstreamKey, downstreamKind, downstreamOfJob, type DownstreamSettings, type DownstreamTask } from './downstream-tasks';

/** Arguments of `downstreamJobTask` (plain data, so that the task can run in a worker thread). */
export interface DownstreamJobTaskArgs {
  readonly config: ExperimentConfig;
  readonly job: TrainingJob;
  readonly tasks: readonly DownstreamTask[];
  readonly settings: DownstreamSettings;
  /** Root of the run store that holds the job's encoder and takes the results. */
  readonly root: string;
  /** The backend the caller computes with; the task initialises the same. */
  readonly backend: BackendChoice;
  /** `jobKey(job)` in the caller's thread: a thread whose arithmetic or build differs is refused. */
  readonly key: string;
}

/**
 * Evaluates one job's encoder on the downstream tasks into the run store (`downstreamOfJob`:
 * results the store has are read, the others computed and stored), in the calling thread or
 * as a `runInWorkers` task, on the backend named in the arguments.
 */
export async function downstreamJobTask(args: DownstreamJobTaskArgs): Promise<Partial<Record<DownstreamTask, number>>> {
  if (activeBackend()?.name === args.backend) await ensureBackend();
  else await initBackend({ backend: args.backend });
  const key = jobKey(args.job);
  if (key !== args.key) throw new Error(keyMismatch(args.job, args.key) ?? `downstreamJobTask: expected run key ${args.key}, found ${key}`);
  const store = runStore(args.root);
  const encoders = encoderStore(store);
  return downstreamOfJob(args.config, args.job, (job) => encoders.load(job), { tasks: args.tasks, settings: args.settings, store });
}

/** Options of `downstreamOfJobs`. */
export interface DownstreamOfJobsOptions {
  readonly tasks: readonly DownstreamTask[];
  readonly settings?: DownstreamSettings;
  /** The run store that holds the encoders and keeps the results. */
  readonly store: RunStore;
  /** Worker threads for the jobs with missing results; 1 evaluates in this thread. Default from the core count. */
  readonly workers?: number;
  /** How this thread loads a job's encoder (default: from `store`), e.g. a runner's `encoders.load`. */
  readonly load?: (job: TrainingJob) => Promise<{ encoder: Encoder; dispose(): void }>;
}

function taskModule(): string {
  return join(__dirname, __filename.endsWith('.ts') ? 'downstream-in-workers.ts' : 'downstream-in-workers.js');
}

/**
 * The downstream results of many trained jobs, in the jobs' order: the jobs whose results the
 * store lacks are evaluated first in worker threads (one job per task, each worker on one
 * core, as training runs), then every job's results are read from the store in this thread.
 * A job's numbers do not depend on the thread that computed them (same backend, same
 * single-threaded arithmetic), so this equals evaluating them one by one.
 */
export async function downstreamOfJobs(config: ExperimentConfig, jobs: readonly TrainingJob[], options: DownstreamOfJobsOptions): Promise<Array<Partial<Record<DownstreamTask, number>>>> {
  const settings = options.settings ?? defaultDownstreamSettings;
  const { store, tasks } = options;
  const load = options.load ?? ((job: TrainingJob) => encoderStore(store).load(job));
  const distinct = [...new Map(jobs.map((job) => [jobKey(job), job])).values()];
  const missing = distinct.filter((job) => tasks.some((task) => !store.has(downstreamKind, downstreamKey(config, job, task, settings))));
  const workers = Math.min(options.workers ?? poolSizeFor(availableParallelism(), { tasks: missing.length }), missing.length);
  if (workers > 1) {
    const info = await ensureBackend();
    const backend = (activeBackend()?.name ?? info.name) as BackendChoice;
    await runInWorkers(
      missing.map((job) => ({ module: taskModule(), fn: 'downstreamJobTask', args: { config, job, tasks, settings, root: store.root, backend, key: jobKey(job) } satisfies DownstreamJobTaskArgs })),
      { poolSize: workers },
    );
  }
  const out: Array<Partial<Record<DownstreamTask, number>>> = [];
  for (const job of jobs) out.push(await downstreamOfJob(config, job, load, { tasks, settings, store }));
  return out;
}
