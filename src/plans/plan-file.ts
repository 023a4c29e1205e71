import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tempPathFor } from '../util/temp-files';
import { InputError } from '../util/errors';
import { assertPlainData } from '../util/safe-keys';
import { jobKey, jobRunConfig } from './job-key';
import type { TrainingJob, TrainingPlan } from './training-job';
import { validateTrainingJob } from './validate-job';

/** The format tag of a plan file. */
export const planFileFormat = 'sslmem-plan/1';

/**
 * A plan as a file: the jobs and the run key each was planned under (`jobKey` on the writing
 * machine), with the provenance of those keys (library version, training code, arithmetic),
 * so that a machine that computes another key can say which part differs (`keyMismatch`).
 * Files of older versions have no provenance.
 */
export interface PlanFile {
  readonly format: typeof planFileFormat;
  readonly provenance?: unknown;
  readonly jobs: ReadonlyArray<{ readonly key: string; readonly job: TrainingJob }>;
}

/** Writes `plan` (its distinct jobs, in order) to `path` atomically as JSON; returns the number of jobs. */
export function writePlanFile(path: string, plan: TrainingPlan): number {
  const seen = new Set<string>();
  const jobs: Array<{ key: string; job: TrainingJob }> = [];
  for (const job of plan) {
    const key = jobKey(job);
    if (seen.has(key)) continue;
    seen.add(key);
    jobs.push({ key, job });
  }
  const file: PlanFile = { format: planFileFormat, ...(jobs.length > 0 ? { provenance: jobRunConfig(jobs[0].job).provenance } : {}), jobs };
  const temp = tempPathFor(path);
  writeFileSync(temp, `${JSON.stringify(file, null, 1)}\n`);
  renameSync(temp, path);
  return jobs.length;
}

/** Reads and checks a plan file: plain data (`assertPlainData`), every job validated as `validateTrainingJob` (dataset folders allowed). */
export function readPlanFile(path: string): PlanFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError('plan file', 'a readable plan file (sslmem plan --out PLAN.json)', `${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`plan file ${path}`, 'JSON', `invalid JSON (${(error as Error).message})`);
  }
  assertPlainData(parsed, `plan file ${path}:`);
  const p = parsed as { format?: unknown; jobs?: unknown; provenance?: unknown };
  if (typeof p !== 'object' || p === null || p.format !== planFileFormat) throw new InputError(`plan file ${path}`, `an object with format "${planFileFormat}"`, JSON.stringify(p?.format ?? p)?.slice(0, 80) ?? 'nothing');
  if (!Array.isArray(p.jobs) || p.jobs.length === 0) throw new InputError(`plan file ${path}: jobs`, 'a non-empty array of { key, job }', JSON.stringify(p.jobs)?.slice(0, 80) ?? 'nothing');
  const jobs = p.jobs.map((entry: unknown, i: number) => {
    const e = entry as { key?: unknown; job?: unknown };
    if (typeof e?.key !== 'string' || !/^[0-9a-f]{64}$/.test(e.key)) throw new InputError(`plan file ${path}: jobs[${i}].key`, 'a run key (64 hex digits)', JSON.stringify(e?.key)?.slice(0, 80) ?? 'nothing');
    return { key: e.key, job: validateTrainingJob(e.job, `plan file ${path}: jobs[${i}].job`, { dataRoots: 'any' }) };
  });
  for (const key of Object.keys(p)) if (!['format', 'provenance', 'jobs'].includes(key)) throw new InputError(`plan file ${path}: ${key}`, 'only format, provenance, jobs', 'an unknown field');
  // Only read to explain a key that differs: kept as plain JSON data.
  const provenance = p.provenance === undefined ? undefined : (JSON.parse(JSON.stringify(p.provenance)) as unknown);
  return { format: planFileFormat, ...(provenance === undefined ? {} : { provenance }), jobs };
}
