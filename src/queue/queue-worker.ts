import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { ensureBackend, type BackendChoice } from '../backend/init-backend';
import { encoderStore } from '../plans/encoder-store';
import { keyMismatch } from '../plans/key-mismatch';
import { runStore } from '../runs/run-store';
import { check } from '../util/errors';
import { cancelRequest } from './cancel-request';
import { defaultQueueName, validateQueuedTraining } from './queue-job';
import { checkRealDataDir } from './real-data-dir';
import { redisOptions } from './redis-url';
import { trainInChild } from './train-in-child';
import { checkWorkerLimits, defaultWorkerLimits, shortLabel, type WorkerLimits } from './worker-limits';

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
  /** Folders a job's `dataset.dir` may lie in, symbolic links followed (default none). */
  dataRoots?: readonly string[];
  /** What a job may ask for (default `defaultWorkerLimits`: 10,000 epochs, 100,000 images, labels of 200 characters). */
  limits?: Partial<WorkerLimits>;
  /** How often a running job's cancel request is looked for, ms. Default 500. */
  cancelPollMs?: number;
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
  return typeof data?.job?.label === 'string' ? shortLabel(data.job.label) : `job ${shortLabel(String(job?.id ?? '?'), 64)}`;
}

/** Why a job was stopped: a cancel request (`sslmem queue cancel`). */
class Cancelled extends Error {
  override name = 'Cancelled';
}

/**
 * A BullMQ worker that trains queued jobs into the run store at `root`: each payload is
 * validated as plain data first and held to the worker's `limits` and `dataRoots` (real
 * paths); a malformed, hostile or oversized job, one whose dataset is missing, whose key
 * this machine would not store it under (the message says whether the job's content, the
 * library build or the arithmetic differs) or that was cancelled fails at once, without
 * retries, and the worker keeps serving. A job is trained in a child process
 * (`trainInChild`) with progress after every epoch as the job's progress; a cancel request
 * (`requestCancel`, `sslmem queue cancel`) kills that process and frees the worker. A job
 * whose encoder the store already has completes without training; a killed worker's job is
 * taken up again by the stalled-job check and resumes from its last checkpoint; the store
 * write is atomic and content-addressed, so a job processed twice stores one result.
 */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const name = options.name ?? `${hostname()}/${process.pid}`;
  const concurrency = options.concurrency ?? 1;
  check(Number.isInteger(concurrency) && concurrency >= 1, 'startQueueWorker options.concurrency', 'an integer >= 1', String(concurrency));
  const limits: WorkerLimits = { ...defaultWorkerLimits, ...options.limits };
  for (const [field, value] of Object.entries(limits)) check(Number.isSafeInteger(value) && value >= 1, `startQueueWorker options.limits.${field}`, 'an integer >= 1', String(value));
  const queueName = options.queue ?? defaultQueueName;
  const dataRoots = options.dataRoots ?? [];
  const encoders = encoderStore(runStore(options.root));
  const say = options.onEvent ?? (() => undefined);
  const markers = new IORedis({ ...redisOptions(options.url), maxRetriesPerRequest: null });
  markers.on('error', () => undefined);
  const refuse = (error: unknown) => new UnrecoverableError(`worker ${name} refused it: ${(error as Error).message}`);
  const processor = async (job: Job): Promise<{ key: string; worker: string; trained: boolean }> => {
    let payload;
    try {
      // Labels are held to the limit below, with the option named.
      payload = validateQueuedTraining(job.data, `queued job ${job.id}`, { dataRoots, maxLabel: Number.MAX_SAFE_INTEGER });
      checkWorkerLimits(payload.job, limits, `queued job ${job.id}.job`);
      if (payload.job.dataset.dir !== undefined) checkRealDataDir(payload.job.dataset.dir, dataRoots, `queued job ${job.id}.job.dataset.dir`);
    } catch (error) {
      throw refuse(error);
    }
    if (job.id !== payload.key) throw new UnrecoverableError(`worker ${name} refused it: the job id ${job.id} is not its run key ${payload.key}`);
    const cancelledBy = await cancelRequest(markers, queueName, payload.key);
    if (cancelledBy !== undefined) throw new UnrecoverableError(`cancelled by ${cancelledBy} before it started`);
    // Run keys name the backend's arithmetic: this process needs one to look the job up.
    await ensureBackend();
    const mismatch = keyMismatch(payload.job, payload.key, payload.provenance);
    if (mismatch !== undefined) throw new UnrecoverableError(`worker ${name}: ${mismatch}`);
    if (encoders.has(payload.job)) return { key: payload.key, worker: name, trained: false };
    const stop = new AbortController();
    const watch = setInterval(() => {
      // Not while Redis is away: the requests would pile up in the client's offline queue.
      if (markers.status !== 'ready') return;
      cancelRequest(markers, queueName, payload.key).then(
        (by) => {
          if (by !== undefined) stop.abort(new Cancelled(`cancelled by ${by}; worker ${name} stopped its training`));
        },
        () => undefined,
      );
    }, options.cancelPollMs ?? 500);
    try {
      await trainInChild(
        { job: payload.job, root: options.root, backend: options.backend ?? 'auto', key: payload.key, provenance: payload.provenance },
        (m) => {
          void job.updateProgress(m as object).catch(() => undefined);
        },
        { signal: stop.signal },
      );
    } catch (error) {
      const e = error as Error;
      if (e instanceof Cancelled) throw new UnrecoverableError(e.message);
      const message = `worker ${name}: ${e.message}`;
      // A missing dataset or a job this machine would store under another key: no retry helps.
      if (e.name === 'InputError' || /would store run/.test(message)) throw new UnrecoverableError(message);
      throw new Error(message);
    } finally {
      clearInterval(watch);
    }
    return { key: payload.key, worker: name, trained: true };
  };
  const worker = new Worker(queueName, processor, {
    connection: { ...redisOptions(options.url), maxRetriesPerRequest: null },
    concurrency,
    // Redis client names have no spaces: the name shows in `sslmem queue status` and getWorkers().
    name: name.replace(/\s/g, '_'),
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: 3,
  });
  worker.on('active', (job) => say({ type: 'active', label: labelOf(job), key: String(job.id) }));
  worker.on('completed', (job) => say({ type: 'completed', label: labelOf(job), key: String(job.id) }));
  worker.on('failed', (job, error) => say({ type: 'failed', label: labelOf(job), key: String(job?.id ?? '?'), message: error.message }));
  worker.on('error', (error) => say({ type: 'error', message: error.message }));
  return {
    name,
    close: async () => {
      await worker.close();
      markers.disconnect();
    },
  };
}
