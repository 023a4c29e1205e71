import { InputError } from '../util/errors';
import { assertPlainData } from '../util/safe-keys';
import { validateTrainingJob, type ValidateJobOptions } from '../plans/validate-job';
import type { TrainingJob } from '../plans/training-job';

/** The BullMQ queue sslmem uses unless told otherwise. */
export const defaultQueueName = 'sslmem-train';

/** BullMQ's name of a training job (one kind of job per queue). */
export const trainJobName = 'train';

/**
 * What a queued job carries: the training job as plain data, the run key the submitter
 * expects (also the BullMQ job id, so two submitters never queue the same training twice),
 * the submitter's provenance of that key, for a clear error when a worker's library or
 * backend differs (or the job was edited), and who submitted it (`host/pid`, for
 * `sslmem queue status` and `cancel --submitter`).
 */
export interface QueuedTraining {
  readonly job: TrainingJob;
  readonly key: string;
  readonly provenance?: unknown;
  readonly submitter?: string;
}

/** Longest submitter id a queued job may carry. */
const maxSubmitter = 200;

const keyPattern = /^[0-9a-f]{64}$/;

/** Checks a queued payload (`QueuedTraining`) before anything runs; `InputError` otherwise. */
export function validateQueuedTraining(value: unknown, where: string, options: ValidateJobOptions = {}): QueuedTraining {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(where, 'an object { job, key, provenance?, submitter? }', value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
  assertPlainData(value, where);
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!['job', 'key', 'provenance', 'submitter'].includes(k)) throw new InputError(`${where}.${k}`, 'only job, key, provenance, submitter', 'an unknown field');
  if (v.submitter !== undefined && (typeof v.submitter !== 'string' || v.submitter.length > maxSubmitter)) throw new InputError(`${where}.submitter`, `a submitter id of at most ${maxSubmitter} characters`, typeof v.submitter === 'string' ? `${v.submitter.length} characters` : typeof v.submitter);
  if (typeof v.key !== 'string' || !keyPattern.test(v.key)) throw new InputError(`${where}.key`, 'a run key (64 hex digits)', JSON.stringify(v.key)?.slice(0, 80) ?? 'nothing');
  const job = validateTrainingJob(v.job, `${where}.job`, options);
  const provenance = v.provenance === undefined ? undefined : (JSON.parse(JSON.stringify(v.provenance)) as unknown);
  return { job, key: v.key, ...(provenance === undefined ? {} : { provenance }), ...(v.submitter === undefined ? {} : { submitter: v.submitter as string }) };
}
