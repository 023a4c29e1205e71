import { hostname } from 'node:os';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { ensureBackend } from '../backend/init-backend';
import { encoderStore } from '../plans/encoder-store';
import { jobKey, jobRunConfig } from '../plans/job-key';
import type { JobMessage, Runner } from '../plans/runner';
import type { TrainingJob } from '../plans/training-job';
import { runStore, type RunStore } from '../runs/run-store';
import { cancelRequest, clearCancel } from './cancel-request';
import { defaultQueueName, trainJobName, type QueuedTraining } from './queue-job';
import { pingRedis, redactedUrl, redisOptions } from './redis-url';

/** Options of `queueRunner`. */
export interface QueueRunnerOptions {
  /** The Redis URL the workers serve. */
  url: string;
  /** The run store the workers write to (a shared folder). Default `runStore()`. */
  store?: RunStore;
  /** Queue name. Default `sslmem-train`. */
  queue?: string;
  /** Tries per job before it counts as failed (a killed worker's stalled job does not use one up). Default 3. */
  attempts?: number;
  /** How often the queue and the store are looked at while waiting, ms. Default 250. */
  pollMs?: number;
  /** Who submits, in the jobs' data (for `sslmem queue status` and `cancel --submitter`). Default `host/pid`. */
  submitter?: string;
  /** Warn (`onWarning`) when no worker has served the queue for this long while jobs wait, ms. Default 30000. */
  noWorkerWarnMs?: number;
  /** Fail when Redis has not answered for this long, ms (a restarting Redis is waited for). Default 30000. */
  redisTimeoutMs?: number;
  /** Called when the state of the submitted jobs changes: how many wait, run, and how many workers are alive. */
  onStatus?: (status: QueueWaitStatus) => void;
  /** Called with a warning: no worker alive while jobs wait, Redis not answering. */
  onWarning?: (message: string) => void;
}

/** Where a submitter's jobs stand, as `queueRunner` reports it. */
export interface QueueWaitStatus {
  /** The submitter's jobs that are not done yet. */
  readonly pending: number;
  /** Of those, how many wait for a worker, and how many run. */
  readonly waiting: number;
  readonly active: number;
  /** Jobs of anyone waiting in the queue. */
  readonly queued: number;
  /** Workers connected to the queue (BullMQ `getWorkers`); undefined where Redis does not list its clients (CLIENT LIST not allowed). */
  readonly workers: number | undefined;
  /** The submitter id in the jobs' data. */
  readonly submitter: string;
}

/** A status as one line: `queue: 2 of ours waiting (3 in the queue), 1 running, 1 worker alive`. */
export function formatQueueWaitStatus(s: QueueWaitStatus): string {
  const workers = s.workers === undefined ? 'workers unknown' : s.workers === 0 ? 'no worker alive' : `${s.workers} worker${s.workers === 1 ? '' : 's'} alive`;
  return `queue: ${s.waiting} of ${s.pending} job(s) waiting (${s.queued} in the queue), ${s.active} running, ${workers}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a BullMQ queue or events connection is ready; rejects on its first error (a wrong password, nobody listening) or after `ms`. */
function ready(part: Queue | QueueEvents, ms: number): Promise<void> {
  const emitter = part as unknown as NodeJS.EventEmitter;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    emitter.once('error', fail);
    part.waitUntilReady().then(
      () => {
        clearTimeout(timer);
        emitter.off('error', fail);
        resolve();
      },
      fail,
    );
  });
}

function isJobMessage(value: unknown): value is JobMessage {
  const m = value as JobMessage | undefined;
  return typeof m === 'object' && m !== null && typeof m.label === 'string' && typeof m.epoch === 'number' && typeof m.epochs === 'number';
}

/**
 * A runner over a BullMQ queue on Redis: `run` queues only the plan's jobs the shared store
 * lacks, with the run key as the job id (a second submitter of the same training adds
 * nothing, and a job that failed before is queued afresh) and the submitter id in the job's data,
 * relays the workers' per-epoch progress to `onEpoch`, reports how many jobs wait and how
 * many workers are alive to `onStatus`, warns when no worker serves the queue for
 * `noWorkerWarnMs`, and returns when every job's encoder is in the store. Failures
 * (cancelled jobs included) are collected and thrown together, each with its job, worker and
 * message; a Redis that stops answering for `redisTimeoutMs` fails the run with its
 * (redacted) URL. Start workers with `startQueueWorker` (or `sslmem worker`) on the same
 * Redis and store.
 */
export function queueRunner(options: QueueRunnerOptions): Runner {
  const encoders = encoderStore(options.store ?? runStore());
  const name = options.queue ?? defaultQueueName;
  const attempts = options.attempts ?? 3;
  const pollMs = options.pollMs ?? 250;
  const submitter = options.submitter ?? `${hostname()}/${process.pid}`;
  const noWorkerWarnMs = options.noWorkerWarnMs ?? 30_000;
  const redisTimeoutMs = options.redisTimeoutMs ?? 30_000;
  const warn = options.onWarning ?? (() => undefined);
  // Keep reconnecting (a restarting Redis); a command fails after one failed reconnection,
  // and the wait loop gives up after redisTimeoutMs without an answer.
  const retryStrategy = (times: number) => Math.min(200 * times, 1000);
  const connection = { ...redisOptions(options.url), retryStrategy, maxRetriesPerRequest: 1 };
  const blocking = { ...redisOptions(options.url), retryStrategy, maxRetriesPerRequest: null };
  return {
    encoders,
    async run(plan, runOptions = {}) {
      await ensureBackend();
      const distinct = new Set(plan.map((job) => jobKey(job))).size;
      const missing = encoders.missing(plan);
      if (missing.length === 0) return { trained: [], reused: distinct };
      const byKey = new Map<string, TrainingJob>(missing.map((job) => [jobKey(job), job]));
      const where = `queue ${name} on ${redactedUrl(options.url)}`;
      try {
        await pingRedis(options.url);
      } catch (error) {
        throw new Error(`cannot reach the ${where}: ${(error as Error).message}`, { cause: error });
      }
      const queue = new Queue(name, { connection });
      const events = new QueueEvents(name, { connection: blocking });
      const markers = new IORedis(connection);
      let graceful = true;
      try {
        try {
          await Promise.all([ready(queue, 15_000), ready(events, 15_000)]);
        } catch (error) {
          // close() would wait for a connection that never comes: drop the sockets instead.
          graceful = false;
          throw new Error(`cannot reach the ${where}: ${(error as Error).message}`, { cause: error });
        }
        // Connection errors are retried by the client (ioredis reconnects) and judged by the wait loop.
        (queue as unknown as NodeJS.EventEmitter).on('error', () => undefined);
        (events as unknown as NodeJS.EventEmitter).on('error', () => undefined);
        markers.on('error', () => undefined);
        events.on('progress', ({ jobId, data }) => {
          if (byKey.has(jobId) && isJobMessage(data)) runOptions.onEpoch?.(data);
        });
        const submit = async (key: string, job: TrainingJob): Promise<void> => {
          await clearCancel(markers, name, key);
          const existing = await queue.getJob(key);
          if (existing !== undefined) {
            const state = await existing.getState();
            // Waiting or running: one training per key. Finished or failed: queued afresh with
            // this submitter's payload (a failed payload may not be what this submitter would send).
            if (state !== 'completed' && state !== 'failed') return;
            await existing.remove();
          }
          const payload: QueuedTraining = { job, key, provenance: jobRunConfig(job).provenance, submitter };
          await queue.add(trainJobName, payload, { jobId: key, attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
        };
        try {
          for (const [key, job] of byKey) await submit(key, job);
        } catch (error) {
          graceful = false;
          throw new Error(`lost the connection to the Redis of the ${where} while queueing the jobs: ${(error as Error).message}`, { cause: error });
        }
        const pending = new Set(byKey.keys());
        const failures: string[] = [];
        const started = Date.now();
        let lastAnswer = Date.now();
        let lastWorkerSeen = Date.now();
        let workersCheckedAt = 0;
        let workers: number | undefined = 0;
        let warnedNoWorker = false;
        let lastStatus = '';
        // A command that never returns (a connection that hangs instead of failing) must not
        // hold the run forever either: a watchdog fails it once Redis has been silent too long.
        let watchdog: NodeJS.Timeout | undefined;
        const silence = new Promise<never>((_, reject) => {
          watchdog = setInterval(() => {
            const silent = Date.now() - lastAnswer;
            if (silent >= redisTimeoutMs + pollMs + 1000) reject(new Error(`lost the connection to the Redis of the ${where}: no answer for ${Math.round(silent / 1000)} s (a command did not return); is redis-server running there?`));
          }, 500);
        });
        silence.catch(() => undefined);
        const waitForJobs = async (): Promise<void> => {
        while (pending.size > 0) {
          try {
            let waiting = 0;
            let active = 0;
            for (const key of [...pending]) {
              const job = byKey.get(key)!;
              if (encoders.has(job)) {
                pending.delete(key);
                continue;
              }
              const queued = await queue.getJob(key);
              const state = queued === undefined ? 'missing' : await queued.getState();
              if (state === 'failed') {
                // The job read above may predate its failure (it failed between the two calls): read it again for the reason.
                const reason = queued?.failedReason ?? (await queue.getJob(key))?.failedReason;
                failures.push(`job ${job.label} (run ${key.slice(0, 12)}...): ${reason ?? 'no reason given'}`);
                pending.delete(key);
              } else if (state === 'completed' || state === 'missing') {
                // The store write precedes completion: look once more before calling it lost.
                if (encoders.has(job)) pending.delete(key);
                else if (state === 'missing') {
                  // Removed from the queue: by `sslmem queue cancel` (then say so), else queue it again.
                  const by = await cancelRequest(markers, name, key);
                  if (by === undefined) await submit(key, job);
                  else {
                    failures.push(`job ${job.label} (run ${key.slice(0, 12)}...): cancelled by ${by} before it started`);
                    pending.delete(key);
                  }
                } else {
                  failures.push(`job ${job.label} (run ${key.slice(0, 12)}...): a worker completed it but the run store ${encoders.store.root} lacks it: do the workers write to the same store (--runs)?`);
                  pending.delete(key);
                }
              } else if (state === 'active') active++;
              else waiting++;
            }
            if (Date.now() - workersCheckedAt >= 1000) {
              workersCheckedAt = Date.now();
              try {
                workers = new Set((await queue.getWorkers()).map((w) => w.rawname ?? w.name)).size;
              } catch (error) {
                // A Redis that forbids CLIENT LIST answers the command with an error; one that is gone fails below.
                if (!/NOPERM|unknown command|not allowed|denied/i.test((error as Error).message)) throw error;
                workers = undefined;
              }
            }
            const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
            lastAnswer = Date.now();
            if (workers === undefined || workers > 0 || active > 0) {
              lastWorkerSeen = Date.now();
              if (warnedNoWorker) warn(`a worker serves the ${where} again`);
              warnedNoWorker = false;
            } else if (!warnedNoWorker && pending.size > 0 && Date.now() - lastWorkerSeen >= noWorkerWarnMs) {
              warnedNoWorker = true;
              const waited = Math.round((Date.now() - Math.max(started, lastWorkerSeen)) / 1000);
              warn(
                `no worker has served the ${where} for ${waited} s; ${pending.size} job(s) wait. Start one with ` +
                  `sslmem worker --queue ${redactedUrl(options.url)} --runs ${encoders.store.root}, or cancel them with sslmem queue cancel --submitter ${submitter} --queue ${redactedUrl(options.url)}`,
              );
            }
            if (pending.size > 0) {
              const status: QueueWaitStatus = { pending: pending.size, waiting, active, queued: Object.values(counts).reduce((a, b) => a + b, 0), workers, submitter };
              const text = JSON.stringify(status);
              if (text !== lastStatus) options.onStatus?.(status);
              lastStatus = text;
            }
          } catch (error) {
            const silent = Date.now() - lastAnswer;
            if (silent >= redisTimeoutMs) {
              graceful = false;
              throw new Error(`lost the connection to the Redis of the ${where}: no answer for ${Math.round(silent / 1000)} s (${(error as Error).message}); is redis-server running there?`, { cause: error });
            }
          }
          if (pending.size > 0) await sleep(pollMs);
        }
        };
        try {
          await Promise.race([waitForJobs(), silence]);
        } catch (error) {
          graceful = false;
          throw error;
        } finally {
          clearInterval(watchdog);
        }
        if (failures.length > 0) throw new Error(`${failures.length} of ${byKey.size} training job(s) failed on the ${where}:\n  ${failures.join('\n  ')}`);
        return { trained: missing, reused: distinct - missing.length };
      } finally {
        if (graceful) {
          await events.close();
          await queue.close();
          await markers.quit().catch(() => undefined);
        } else {
          void queue.disconnect().catch(() => undefined);
          void events.disconnect().catch(() => undefined);
          markers.disconnect();
        }
      }
    },
  };
}
