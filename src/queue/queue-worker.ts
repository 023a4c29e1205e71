import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { ensureBackend, type BackendChoice } from '../backend/init-backend';
import { encoderStore } from '../plans/encoder-store';
import { runStore } from '../runs/run-store';
import { check } from '../util/errors';
import { defaultQueueName, validateQueuedTraining } from './queue-job';
import { redisOptions } from './redis-url';
import { trainInChild } from './train-in-child';

/** Options of `startQueueWorker`. */
export interface QueueWorkerOptions {
  /** The Redis URL (`redis://`, `rediss://`, with a password if set). */
  url: string;
  /** Root of the run store the trained encoders go to (shared with the submitters). */
  root: string;
  /** Queue name. Default `sslmem-train`. */
  queue?: string;
  /** Trainings at once, each in its own child process. Default 1. */
  concurrency?: number;
  /** Backend of the trainings (default `auto`); it must compute like the submitter's, whose run keys name the arithmetic. */
  backend?: BackendChoice;
  /** Folders a job's `dataset.dir` may lie in (default none). */
  dataRoots?: readonly string[];
  /** Name in events and error messages. Default `host/pid`. */
  name?: string;
  /** How long a job's lock lasts without renewal, ms (BullMQ's lockDuration). Default 30000. */
  lockDurationMs?: number;
  /** How often stalled jobs (of killed workers) are looked for, ms. Default 30000. */
  stalledIntervalMs?: number;
  /** Called when a job starts, completes or fails, and on connection errors. */
  onEvent?: (event: QueueWorkerEvent) => void;
}

/** What a worker reports. */
export type QueueWorkerEvent =
  | { type: 'active' | 'completed'; label: string; key: string }
  | { type: 'failed'; label: string; key: string; message: string }
  | { type: 'error'; message: string };

/** A running worker. */
export interface QueueWorker {
  readonly name: string;
  /** Stops taking jobs, waits for the running ones, closes the connection. */
  close(): Promise<void>;
}

function labelOf(job: Job | undefined): string {
  const data = job?.data as { job?: { label?: unknown } } | undefined;
  return typeof data?.job?.label === 'string' ? data.job.label : `job ${job?.id ?? '?'}`;
}

/**
 * A BullMQ worker that trains queued jobs into the run store at `root`: each payload is
 * validated as plain data first (a malformed or hostile one fails at once, without retries,
 * and the worker keeps serving), then trained in a child process (`trainInChild`) with
 * progress after every epoch as the job's progress. A job whose encoder the store already
 * has completes without training; a killed worker's job is taken up again by the stalled-job
 * check and resumes from its last checkpoint; the store write is atomic and
 * content-addressed, so a job processed twice stores one result.
 */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const name = options.name ?? `${hostname()}/${process.pid}`;
  const concurrency = options.concurrency ?? 1;
  check(Number.isInteger(concurrency) && concurrency >= 1, 'startQueueWorker options.concurrency', 'an integer >= 1', String(concurrency));
  const encoders = encoderStore(runStore(options.root));
  const say = options.onEvent ?? (() => undefined);
  const processor = async (job: Job): Promise<{ key: string; worker: string; trained: boolean }> => {
    let payload;
    try {
      payload = validateQueuedTraining(job.data, `queued job ${job.id}`, { dataRoots: options.dataRoots ?? [] });
    } catch (error) {
      throw new UnrecoverableError(`worker ${name} refused it: ${(error as Error).message}`);
    }
    if (job.id !== payload.key) throw new UnrecoverableError(`worker ${name} refused it: the job id ${job.id} is not its run key ${payload.key}`);
    // Run keys name the backend's arithmetic: this process needs one to look the job up.
    await ensureBackend();
    if (encoders.has(payload.job)) return { key: payload.key, worker: name, trained: false };
    try {
      await trainInChild({ job: payload.job, root: options.root, backend: options.backend ?? 'auto', key: payload.key, provenance: payload.provenance }, (m) => {
        void job.updateProgress(m as object).catch(() => undefined);
      });
    } catch (error) {
      const message = `worker ${name}: ${(error as Error).message}`;
      // Another library build or backend would store the encoder under another key: no retry helps.
      if (/would store run/.test(message)) throw new UnrecoverableError(message);
      throw new Error(message);
    }
    return { key: payload.key, worker: name, trained: true };
  };
  const worker = new Worker(options.queue ?? defaultQueueName, processor, {
    connection: { ...redisOptions(options.url), maxRetriesPerRequest: null },
    concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: 3,
  });
  worker.on('active', (job) => say({ type: 'active', label: labelOf(job), key: String(job.id) }));
  worker.on('completed', (job) => say({ type: 'completed', label: labelOf(job), key: String(job.id) }));
  worker.on('failed', (job, error) => say({ type: 'failed', label: labelOf(job), key: String(job?.id ?? '?'), message: error.message }));
  worker.on('error', (error) => say({ type: 'error', message: error.message }));
  return { name, close: () => worker.close() };
}
