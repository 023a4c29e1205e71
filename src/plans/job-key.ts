import { createHash } from 'node:crypto';
import { runProvenance } from '../runs/provenance';
import { runKey } from '../runs/run-key';
import { resolveExperimentDp } from '../design/privacy-config';
import type { TrainingJob } from './training-job';

/** The run-store kind under which trained encoders are kept. */
export const encoderRunKind = 'encoder';

/** The library module that trains and stores encoders (its code is part of their run key). */
export const encoderRunModule = 'plans/train-job-task';

/** SHA-256 (hex) of a list of ids as little-endian int32. */
export function idsDigest(ids: readonly number[]): string {
  return createHash('sha256').update(new Uint8Array(Int32Array.from(ids).buffer)).digest('hex');
}

/**
 * The run-store key record of a training job: every field that determines the trained
 * encoder (the label is left out), explicit ids as their count and SHA-256 (so two plans
 * that train on the same images share the run), DP-SGD settings with defaults filled in,
 * and the provenance (library version, training code, the backend's arithmetic).
 */
export function jobRunConfig(job: TrainingJob): Record<string, unknown> {
  const { dataset, split, trainSet, encoder, objective, augment, train, seed } = job;
  const dp = job.dp === undefined ? {} : { dp: resolveExperimentDp(job.dp) };
  const provenance = runProvenance(encoderRunModule);
  if (trainSet.kind === 'side') return { dataset, split, encoder, objective, augment, train, ...dp, side: trainSet.side, seed, provenance };
  const ids = { count: trainSet.ids.length, sha256: idsDigest(trainSet.ids) };
  return { dataset, ids, encoder, objective, augment, train, ...dp, seed, provenance };
}

/** The run key (64 hex digits) of a job. */
export function jobKey(job: TrainingJob): string {
  return runKey(jobRunConfig(job));
}
