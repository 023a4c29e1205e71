import type IORedis from 'ioredis';

/** How long a cancel request is kept in Redis, s: long enough for any worker and submitter to see it. */
const cancelTtlSeconds = 7 * 24 * 3600;

/** The Redis key that asks the workers to stop job `jobId` of queue `queue` (beside BullMQ's keys of the queue). */
export function cancelKey(queue: string, jobId: string): string {
  return `bull:${queue}:sslmem-cancel:${jobId}`;
}

/**
 * Asks that job `jobId` of `queue` be cancelled: the worker running it kills its training
 * and fails the job (no retry), a worker about to start it refuses it, and its submitter
 * reports it as cancelled instead of queueing it again. `by` says who asked (kept as the
 * request's value). A new submission of the same training clears the request.
 */
export async function requestCancel(client: IORedis, queue: string, jobId: string, by: string): Promise<void> {
  await client.set(cancelKey(queue, jobId), by.slice(0, 200), 'EX', cancelTtlSeconds);
}

/** Who asked to cancel job `jobId` of `queue`, or undefined when nobody has. */
export async function cancelRequest(client: IORedis, queue: string, jobId: string): Promise<string | undefined> {
  return (await client.get(cancelKey(queue, jobId))) ?? undefined;
}

/** Withdraws a cancel request (a new submission of the job). */
export async function clearCancel(client: IORedis, queue: string, jobId: string): Promise<void> {
  await client.del(cancelKey(queue, jobId));
}
