import { Queue, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { requestCancel } from './cancel-request';
import { defaultQueueName } from './queue-job';
import { pingRedis, redactedUrl, redisOptions } from './redis-url';
import { shortLabel } from './worker-limits';

/** The states `queueJobs` lists, in its order. */
export const listedJobStates = ['active', 'waiting', 'prioritized', 'delayed', 'failed', 'completed'] as const;

/** A job's state as `queueJobs` lists it. */
export type ListedJobState = (typeof listedJobStates)[number];

/** One job of a queue, for `sslmem queue status`. */
export interface QueueJobInfo {
  readonly id: string;
  readonly state: ListedJobState;
  /** The job's label, cut for printing (`shortLabel`). */
  readonly label: string;
  readonly submitter?: string;
  /** The worker that runs (or ran) it, `host/pid`. */
  readonly worker?: string;
  /** The last epoch reported, when it reported one. */
  readonly epoch?: number;
  readonly epochs?: number;
  /** When it was queued, ms since the epoch. */
  readonly queuedAt: number;
  /** Tries so far. */
  readonly attempts: number;
  /** Why it failed. */
  readonly failedReason?: string;
}

/** Options of the queue administration functions. */
export interface QueueAdminOptions {
  /** Queue name. Default `sslmem-train`. */
  queue?: string;
}

/** Opens the queue of `url` (after a ping that fails with the redacted URL named), runs `body`, closes it. */
async function withQueue<T>(url: string, options: QueueAdminOptions, body: (queue: Queue, name: string) => Promise<T>): Promise<T> {
  const name = options.queue ?? defaultQueueName;
  try {
    await pingRedis(url);
  } catch (error) {
    throw new Error(`cannot reach the queue ${name} on ${redactedUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  const queue = new Queue(name, { connection: { ...redisOptions(url), maxRetriesPerRequest: 1, retryStrategy: () => null } });
  (queue as unknown as NodeJS.EventEmitter).on('error', () => undefined);
  try {
    return await body(queue, name);
  } finally {
    await queue.close();
  }
}

function infoOf(job: Job, state: ListedJobState): QueueJobInfo {
  const data = job.data as { job?: { label?: unknown }; submitter?: unknown } | undefined;
  const progress = job.progress as { epoch?: unknown; epochs?: unknown } | undefined;
  const label = typeof data?.job?.label === 'string' ? shortLabel(data.job.label) : '(no label)';
  return {
    id: String(job.id),
    state,
    label,
    ...(typeof data?.submitter === 'string' ? { submitter: shortLabel(data.submitter) } : {}),
    ...(typeof job.processedBy === 'string' ? { worker: shortLabel(job.processedBy) } : {}),
    ...(typeof progress === 'object' && progress !== null && typeof progress.epoch === 'number' && typeof progress.epochs === 'number' ? { epoch: progress.epoch, epochs: progress.epochs } : {}),
    queuedAt: job.timestamp,
    attempts: job.attemptsMade,
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
  };
}

/** The jobs of the queue on `url` (up to `limit` per state, newest first) and the number of workers connected to it. */
export async function queueJobs(url: string, options: QueueAdminOptions & { limit?: number } = {}): Promise<{ jobs: QueueJobInfo[]; workers: string[] }> {
  const limit = options.limit ?? 100;
  return withQueue(url, options, async (queue) => {
    const jobs: QueueJobInfo[] = [];
    for (const state of listedJobStates) {
      for (const job of (await queue.getJobs(state, 0, limit - 1, false)) as Job[]) if (job !== undefined) jobs.push(infoOf(job, state));
    }
    const workers = [...new Set((await queue.getWorkers()).map((w) => String(w.rawname ?? w.name)))].map((raw) => raw.replace(/^.*:w:/, ''));
    return { jobs, workers };
  });
}

/** Which jobs `cancelQueuedJobs` cancels: one by id, every unfinished one, or every unfinished one of a submitter. */
export type CancelSelection = { readonly id: string } | { readonly all: true } | { readonly submitter: string };

/** What `cancelQueuedJobs` did to one job. */
export interface CancelOutcome {
  readonly id: string;
  readonly label: string;
  /** `removed`: it waited and is gone; `stopping`: its worker kills the training and fails it; `finished`: nothing to cancel. */
  readonly outcome: 'removed' | 'stopping' | 'finished';
}

/**
 * Cancels jobs of the queue on `url`: a waiting one is removed, a running one is asked to
 * stop (its worker kills the training within a second, fails the job without retry and
 * takes the next). Each gets a cancel request naming `by`, so that a worker about to start
 * it refuses it and its submitter reports it as cancelled rather than queueing it again.
 * @throws Error when a job id names no job.
 */
export async function cancelQueuedJobs(url: string, selection: CancelSelection, options: QueueAdminOptions & { by?: string } = {}): Promise<CancelOutcome[]> {
  const by = options.by ?? 'sslmem queue cancel';
  return withQueue(url, options, async (queue, name) => {
    const markers = new IORedis({ ...redisOptions(url), maxRetriesPerRequest: 1, retryStrategy: () => null });
    markers.on('error', () => undefined);
    try {
      let chosen: Job[];
      if ('id' in selection) {
        const job = (await queue.getJob(selection.id)) as Job | undefined;
        if (job === undefined) throw new Error(`the queue ${name} on ${redactedUrl(url)} has no job ${shortLabel(selection.id, 80)} (sslmem queue status lists them)`);
        chosen = [job];
      } else {
        const unfinished = ((await queue.getJobs(['active', 'waiting', 'prioritized', 'delayed'])) as Job[]).filter((j) => j !== undefined);
        chosen = 'all' in selection ? unfinished : unfinished.filter((j) => (j.data as { submitter?: unknown } | undefined)?.submitter === selection.submitter);
      }
      const outcomes: CancelOutcome[] = [];
      for (const job of chosen) {
        const id = String(job.id);
        const label = infoOf(job, 'waiting').label;
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') {
          outcomes.push({ id, label, outcome: 'finished' });
          continue;
        }
        await requestCancel(markers, name, id, by);
        let outcome: CancelOutcome['outcome'] = 'stopping';
        if (state !== 'active') {
          try {
            await job.remove();
            outcome = 'removed';
          } catch {
            // Taken by a worker meanwhile (locked): the worker sees the request and stops it.
          }
        }
        outcomes.push({ id, label, outcome });
      }
      return outcomes;
    } finally {
      markers.disconnect();
    }
  });
}

/** Removes the finished (`completed`) and `failed` jobs of the queue on `url`; returns how many of each. */
export async function cleanQueue(url: string, options: QueueAdminOptions = {}): Promise<{ completed: number; failed: number }> {
  return withQueue(url, options, async (queue) => {
    let completed = 0;
    let failed = 0;
    for (;;) {
      const c = (await queue.clean(0, 1000, 'completed')).length;
      const f = (await queue.clean(0, 1000, 'failed')).length;
      completed += c;
      failed += f;
      if (c === 0 && f === 0) return { completed, failed };
    }
  });
}
