import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { datasetLoaders } from '../data/load-dataset';
import { validateExperimentConfig, type ExperimentConfig } from '../design/experiment-config';
import { preset } from '../design/presets';
import { InputError } from '../util/errors';
import { assertPlainData } from '../util/safe-keys';
import type { TrainingJob } from './training-job';

/** Options of `validateTrainingJob`. */
export interface ValidateJobOptions {
  /**
   * Folders a job's `dataset.dir` may lie in. A job from a queue names no path outside them
   * (default none: a job with `dataset.dir` is refused); a plan file the user wrote is trusted
   * with `'any'`.
   */
  dataRoots?: readonly string[] | 'any';
  /** Longest label, in characters. Default 200. */
  maxLabel?: number;
}

const jobFields = ['label', 'dataset', 'split', 'trainSet', 'encoder', 'objective', 'augment', 'train', 'dp', 'seed'];
const maxIds = 10_000_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function inside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `inside` after symbolic links are followed (false when either path does not exist). */
function insideReally(root: string, path: string): boolean {
  try {
    return inside(realpathSync(root), realpathSync(path));
  } catch {
    return false;
  }
}

/**
 * Checks that `value` is a training job as plain data before anything runs: the fields of
 * `TrainingJob` and no others, a training set that is a side (`f`, `g`) or sorted distinct
 * train-split ids, a dataset folder only inside `dataRoots`, and everything else as an
 * experiment config is checked (encoder, objective, augmentation and training through their
 * own checks), and first of all plain data (`assertPlainData`: no key that reaches a
 * prototype, bounded nesting and strings, finite numbers). Returns the job unchanged (a JSON copy); `InputError` naming `where` and the
 * field otherwise. A job is data, never code: module names, functions and paths outside the
 * allowed roots have no field to travel in.
 */
export function validateTrainingJob(value: unknown, where: string, options: ValidateJobOptions = {}): TrainingJob {
  if (!isObject(value)) throw new InputError(where, 'a training job (a JSON object)', value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
  assertPlainData(value, where);
  for (const key of Object.keys(value)) if (!jobFields.includes(key)) throw new InputError(`${where}.${key}`, `only the fields ${jobFields.join(', ')}`, 'an unknown field');
  const job = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const maxLabel = options.maxLabel ?? 200;
  if (typeof job.label !== 'string' || job.label.length === 0 || job.label.length > maxLabel) throw new InputError(`${where}.label`, `a name of 1 to ${maxLabel} characters`, typeof job.label === 'string' && job.label.length > 80 ? `${job.label.length} characters` : JSON.stringify(job.label)?.slice(0, 80) ?? 'nothing');
  if (!Number.isSafeInteger(job.seed)) throw new InputError(`${where}.seed`, 'an integer', JSON.stringify(job.seed));
  const dataset = job.dataset;
  if (!isObject(dataset)) throw new InputError(`${where}.dataset`, 'an object { name, dir?, synthetic? }', JSON.stringify(dataset));
  for (const key of Object.keys(dataset)) if (!['name', 'dir', 'synthetic', 'size', 'channels', 'heldOut', 'digest'].includes(key)) throw new InputError(`${where}.dataset.${key}`, 'only name, dir, synthetic (and for an image folder size, channels, heldOut, digest)', 'an unknown field');
  if (dataset.digest !== undefined && (dataset.name !== 'folder' || typeof dataset.digest !== 'string' || !/^[0-9a-f]{64}$/.test(dataset.digest))) throw new InputError(`${where}.dataset.digest`, "an image folder's SHA-256 digest (64 hex digits)", JSON.stringify(dataset.digest)?.slice(0, 80) ?? 'nothing');
  if (typeof dataset.name !== 'string' || !Object.hasOwn(datasetLoaders, dataset.name)) throw new InputError(`${where}.dataset.name`, `one of ${Object.keys(datasetLoaders).join(', ')}`, JSON.stringify(dataset.name));
  if (dataset.dir !== undefined) {
    if (typeof dataset.dir !== 'string' || dataset.dir.length === 0) throw new InputError(`${where}.dataset.dir`, 'a folder path', JSON.stringify(dataset.dir));
    const roots = options.dataRoots ?? [];
    if (roots !== 'any' && !roots.some((root) => inside(root, dataset.dir as string))) {
      throw new InputError(`${where}.dataset.dir`, roots.length === 0 ? 'no dataset folder (this worker serves no --data-root)' : `a folder inside ${roots.join(', ')}`, JSON.stringify(dataset.dir));
    }
    // An image folder is listed while the job is checked: its real path must lie under a root first.
    if (dataset.name === 'folder' && roots !== 'any' && !roots.some((root) => insideReally(root, dataset.dir as string))) {
      throw new InputError(`${where}.dataset.dir`, `an existing folder inside ${roots.join(', ')} (symbolic links followed)`, `${JSON.stringify(dataset.dir)}, which does not exist or leads outside`);
    }
  }
  if (dataset.synthetic !== undefined) {
    const s = dataset.synthetic;
    const ok = isObject(s) && Object.keys(s).every((k) => ['n', 'nTest', 'seed'].includes(k)) && [s.n, s.nTest].every((v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 1_000_000) && Number.isSafeInteger(s.seed);
    if (!ok) throw new InputError(`${where}.dataset.synthetic`, '{ n, nTest, seed } with sizes in 1..1000000', JSON.stringify(s));
  }
  const set = job.trainSet;
  if (!isObject(set) || (set.kind !== 'side' && set.kind !== 'ids')) throw new InputError(`${where}.trainSet`, "{ kind: 'side', side } or { kind: 'ids', ids }", JSON.stringify(set)?.slice(0, 80) ?? 'nothing');
  if (set.kind === 'side') {
    if (Object.keys(set).some((k) => k !== 'kind' && k !== 'side') || (set.side !== 'f' && set.side !== 'g')) throw new InputError(`${where}.trainSet`, "{ kind: 'side', side: 'f' | 'g' }", JSON.stringify(set));
  } else {
    const unknown = Object.keys(set).find((k) => k !== 'kind' && k !== 'ids' && k !== 'slots');
    if (unknown !== undefined) throw new InputError(`${where}.trainSet`, "{ kind: 'ids', ids, slots? }", `a field ${JSON.stringify(unknown)}`);
    for (const field of set.slots === undefined ? ['ids'] : ['ids', 'slots']) {
      const ids = set[field];
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > maxIds) throw new InputError(`${where}.trainSet.${field}`, `1 to ${maxIds} train-split ids`, Array.isArray(ids) ? `${ids.length} ids` : JSON.stringify(ids)?.slice(0, 80) ?? 'nothing');
      for (let i = 0; i < ids.length; i++) {
        if (!Number.isSafeInteger(ids[i]) || ids[i] < 0 || (i > 0 && ids[i] <= ids[i - 1])) throw new InputError(`${where}.trainSet.${field}[${i}]`, 'sorted, distinct integers >= 0', JSON.stringify(ids[i]));
      }
    }
  }
  const base = preset('quick');
  const asConfig = {
    name: `job ${job.label}`,
    dataset: { name: dataset.name, ...(dataset.dir === undefined ? {} : { dir: dataset.dir }), ...Object.fromEntries(['size', 'channels', 'heldOut'].filter((k) => dataset[k] !== undefined).map((k) => [k, dataset[k]])) },
    split: job.split,
    encoder: job.encoder,
    objective: job.objective,
    augment: job.augment,
    train: job.train,
    seeds: [job.seed],
    score: base.score,
    probe: { ...base.probe, trainSize: 10, testSize: 1 },
    ...(job.dp === undefined ? {} : { dp: job.dp }),
  } as unknown as ExperimentConfig;
  try {
    validateExperimentConfig(asConfig);
  } catch (error) {
    if (error instanceof InputError) {
      const field = error.where.startsWith('experiment config') ? error.where.replace(/^experiment config( "[^"]*")?/, '') : ` (${error.where})`;
      throw new InputError(`${where}${field}`, error.expected, error.found);
    }
    throw error;
  }
  return job as unknown as TrainingJob;
}
