import { Queue, QueueEvents } from 'bullmq';
import { ensureBackend } from '../backend/init-backend';
import { encoderStore } from '../plans/encoder-store';
import { jobKey, jobRunConfig } from '../plans/job-key';
import type { JobMessage, Runner } from '../plans/runner';
import type { TrainingJob } from '../plans/training-job';
import { runStore, type RunStore } from '../runs/run-store';
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
 * nothing, and a job that failed before is retried), relays the workers' per-epoch progress
 * to `onEpoch`, and returns when every job's encoder is in the store. Failures are collected
 * and thrown together, each with its job, worker and message. Start workers with
 * `startQueueWorker` (or `sslmem worker`) on the same Redis and store.
 */
export function queueRunner(options: QueueRunnerOptions): Runner {
  const encoders = encoderStore(options.store ?? runStore());
  const name = options.queue ?? defaultQueueName;
  const attempts = options.attempts ?? 3;
  const pollMs = options.pollMs ?? 250;
  // Reconnect for about a minute (a restarting Redis), then give up with the client's error.
  const connection = { ...redisOptions(options.url), retryStrategy: (times: number) => (times > 30 ? null : Math.min(200 * times, 2000)) };
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
      const events = new QueueEvents(name, { connection });
      let closed = false;
      try {
        try {
          await Promise.all([ready(queue, 15_000), ready(events, 15_000)]);
        } catch (error) {
          // close() would wait for a connection that never comes: drop the sockets instead.
          closed = true;
          void queue.disconnect().catch(() => undefined);
          void events.disconnect().catch(() => undefined);
          throw new Error(`cannot reach the ${where}: ${(error as Error).message}`, { cause: error });
        }
        // Later connection errors are retried by the client (ioredis reconnects); the wait goes on.
        (queue as unknown as NodeJS.EventEmitter).on('error', () => undefined);
        (events as unknown as NodeJS.EventEmitter).on('error', () => undefined);
        events.on('progress', ({ jobId, data }) => {
          if (byKey.has(jobId) && isJobMessage(data)) runOptions.onEpoch?.(data);
        });
        const submit = async (key: string, job: TrainingJob): Promise<void> => {
          const existing = await queue.getJob(key);
          if (existing !== undefined) {
            const state = await existing.getState();
            if (state === 'failed') return void (await existing.retry('failed'));
            if (state !== 'completed') return;
            await existing.remove();
          }
          const payload: QueuedTraining = { job, key, provenance: jobRunConfig(job).provenance };
          await queue.add(trainJobName, payload, { jobId: key, attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
        };
        for (const [key, job] of byKey) await submit(key, job);
        const pending = new Set(byKey.keys());
        const failures: string[] = [];
        while (pending.size > 0) {
          for (const key of [...pending]) {
            const job = byKey.get(key)!;
            if (encoders.has(job)) {
              pending.delete(key);
              continue;
            }
            const queued = await queue.getJob(key);
            const state = queued === undefined ? 'missing' : await queued.getState();
            if (state === 'failed') {
              failures.push(`job ${job.label} (run ${key.slice(0, 12)}...): ${queued?.failedReason ?? 'no reason given'}`);
              pending.delete(key);
            } else if (state === 'completed' || state === 'missing') {
              // The store write precedes completion: look once more before calling it lost.
              if (encoders.has(job)) pending.delete(key);
              else if (state === 'missing') await submit(key, job);
              else {
                failures.push(`job ${job.label} (run ${key.slice(0, 12)}...): a worker completed it but the run store ${encoders.store.root} lacks it: do the workers write to the same store (--runs)?`);
                pending.delete(key);
              }
            }
          }
          if (pending.size > 0) await sleep(pollMs);
        }
        if (failures.length > 0) throw new Error(`${failures.length} of ${byKey.size} training job(s) failed on the ${where}:\n  ${failures.join('\n  ')}`);
        return { trained: missing, reused: distinct - missing.length };
      } finally {
        if (!closed) {
          await events.close();
          await queue.close();
        }
      }
    },
  };
}
