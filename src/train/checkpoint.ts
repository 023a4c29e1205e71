import * as tf from '@tensorflow/tfjs-core';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createEncoder as createRegisteredEncoder } from '../encoders/create-encoder';
import type { Encoder, EncoderConfig } from '../encoders/encoder';
import { encodeSafetensors, readSafetensorsFile, type SafetensorsArray, type SafetensorsArrays } from '../io/safetensors';
import type { Objective, ObjectiveConfig, ObjectiveState } from '../methods/objective';
import { createObjective as createRegisteredObjective } from '../methods/registry';
import { InputError } from '../util/errors';
import { resolveOptions, type OptionRules } from '../util/options';
import { createRng } from '../util/rng';
import { writeCheckpointFile } from './checkpoint-dir';
import { trainRule } from './option-rules';
import { createOptimizer } from './create-optimizer';
import type { NamedTensors, Optimizer, OptimizerConfig } from './optimizer';
import type { EpochRecord } from './train-options';
import { assignAll, checkFormat, metaInt, metaJson, named, planAssignments, putAll } from './variable-arrays';

/**
 * Checkpoints: a training state in one safetensors file, restored bit-exactly.
 *
 * Tensor keys: `encoder/<variable name>` (trainable and state), `objective/<name>`,
 * `optimizer/<slot>/<variable name>`. String metadata: `sslmem.format`, `sslmem.layout`
 * (the variable names in order), `encoder.config`, `objective.config`,
 * `optimizer.config`, `optimizer.step`, `train.epoch`, `train.seed`, `train.dataSize`,
 * `train.options`, `train.history` (JSON). Variables are matched by position on load, so
 * a checkpoint loads into a fresh model whose variable names got a `_1` suffix.
 * Randomness needs no saved state: the trainer derives batch order and augmentations from
 * the seed, the epoch and the step counter.
 */

const checkpointFormat = 'sslmem-checkpoint/1';

/** A training state to save. */
export interface TrainingCheckpoint {
  readonly encoder: Encoder;
  readonly objective: Objective;
  readonly objectiveState: ObjectiveState;
  readonly optimizer: Optimizer;
  /** Epochs completed. */
  readonly epoch: number;
  /** The training seed. */
  readonly seed: number;
  /** Number of training images (to check that a resume uses the same data). */
  readonly dataSize?: number;
  /** The training options (JSON values). */
  readonly trainOptions?: Record<string, unknown>;
  /** History rows of the completed epochs. */
  readonly history?: readonly EpochRecord[];
}

/** Variable names per group, in the order the model lists them. */
export interface CheckpointLayout {
  readonly encoderVariables: readonly string[];
  readonly encoderState: readonly string[];
  readonly objectiveVariables: readonly string[];
  readonly objectiveState: readonly string[];
}

/** A checkpoint file as read: raw arrays plus parsed metadata. */
export interface CheckpointFile {
  readonly path: string;
  readonly arrays: SafetensorsArrays;
  readonly layout: CheckpointLayout;
  readonly encoderConfig: EncoderConfig;
  readonly objectiveConfig: ObjectiveConfig;
  readonly optimizerConfig: OptimizerConfig;
  readonly optimizerStep: number;
  readonly epoch: number;
  readonly seed: number;
  readonly dataSize: number | undefined;
  readonly trainOptions: Record<string, unknown>;
  readonly history: EpochRecord[];
}

/** A training state rebuilt from a checkpoint; the caller disposes it. */
export interface LoadedCheckpoint {
  readonly encoder: Encoder;
  readonly objective: Objective;
  readonly objectiveState: ObjectiveState;
  readonly optimizer: Optimizer;
  readonly file: CheckpointFile;
  /** Frees encoder, objective state and optimizer. */
  dispose(): void;
}

/** Factories used to rebuild models from configs (defaults: the registries). */
export interface CheckpointLoadOptions {
  readonly createEncoder: (config: EncoderConfig) => Encoder;
  readonly createObjective: (config: ObjectiveConfig) => Objective;
}

/** Defaults of `CheckpointLoadOptions`. */
export const defaultCheckpointLoadOptions: CheckpointLoadOptions = {
  createEncoder: createRegisteredEncoder,
  createObjective: createRegisteredObjective,
};

const checkpointLoadRules: OptionRules<CheckpointLoadOptions> = { createEncoder: trainRule.callback(), createObjective: trainRule.callback() };

/**
 * Saves a training state to `path` (folders created as needed): encoder variables and
 * state, objective variables and state, optimizer slots and step, epoch, seed, configs,
 * train options and history. The write is atomic, followed by the file's record (size and
 * SHA-256, `writeCheckpointFile`) that a resume checks it against.
 */
export async function saveCheckpoint(path: string, checkpoint: TrainingCheckpoint): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const { encoder, objective, objectiveState, optimizer } = checkpoint;
  const arrays: SafetensorsArrays = {};
  putAll(arrays, 'encoder/', named([...encoder.variables, ...encoder.state]));
  putAll(arrays, 'objective/', named([...objectiveState.variables, ...objectiveState.state]));
  const optimizerState = optimizer.state();
  for (const [slot, tensors] of Object.entries(optimizerState.slots)) putAll(arrays, `optimizer/${slot}/`, Object.entries(tensors));
  const layout: CheckpointLayout = {
    encoderVariables: encoder.variables.map((v) => v.name),
    encoderState: encoder.state.map((v) => v.name),
    objectiveVariables: objectiveState.variables.map((v) => v.name),
    objectiveState: objectiveState.state.map((v) => v.name),
  };
  const bytes = encodeSafetensors(arrays, {
    'sslmem.format': checkpointFormat,
    'sslmem.layout': JSON.stringify(layout),
    'encoder.config': JSON.stringify(encoder.config),
    'objective.config': JSON.stringify(objective.config),
    'optimizer.config': JSON.stringify(optimizer.config),
    'optimizer.step': String(optimizerState.step),
    'train.epoch': String(checkpoint.epoch),
    'train.seed': String(checkpoint.seed),
    'train.dataSize': JSON.stringify(checkpoint.dataSize ?? null),
    'train.options': JSON.stringify(checkpoint.trainOptions ?? {}),
    'train.history': JSON.stringify(checkpoint.history ?? []),
  });
  await writeCheckpointFile(path, bytes);
}

/** Reads and validates a checkpoint file without building any model. */
export async function readCheckpoint(path: string): Promise<CheckpointFile> {
  const { arrays, metadata } = await readSafetensorsFile(path);
  checkFormat(metadata, checkpointFormat, path);
  const dataSize = metaJson<number | null>(metadata, 'train.dataSize', path);
  const layout = metaJson<CheckpointLayout>(metadata, 'sslmem.layout', path);
  for (const group of ['encoderVariables', 'encoderState', 'objectiveVariables', 'objectiveState'] as const) {
    const names: unknown = layout?.[group];
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new InputError(`${path} metadata "sslmem.layout".${group}`, 'a list of variable names', JSON.stringify(names));
    }
  }
  return {
    path,
    arrays,
    layout,
    encoderConfig: metaJson<EncoderConfig>(metadata, 'encoder.config', path),
    objectiveConfig: metaJson<ObjectiveConfig>(metadata, 'objective.config', path),
    optimizerConfig: metaJson<OptimizerConfig>(metadata, 'optimizer.config', path),
    optimizerStep: metaInt(metadata, 'optimizer.step', path),
    epoch: metaInt(metadata, 'train.epoch', path),
    seed: metaInt(metadata, 'train.seed', path),
    dataSize: dataSize ?? undefined,
    trainOptions: metaJson<Record<string, unknown>>(metadata, 'train.options', path),
    history: metaJson<EpochRecord[]>(metadata, 'train.history', path),
  };
}

/**
 * Writes a checkpoint's values into a live model in place: encoder and objective
 * variables by position (shapes and dtypes checked first, so a mismatch changes nothing),
 * then the optimizer state (slots renamed to the live variable names).
 * @throws InputError naming the file and tensor when the model does not match.
 */
export function restoreCheckpoint(
  file: CheckpointFile,
  target: { readonly encoder: Encoder; readonly objectiveState: ObjectiveState; readonly optimizer: Optimizer },
): void {
  const { arrays, layout, path } = file;
  const { encoder, objectiveState, optimizer } = target;
  if (file.optimizerConfig.name !== optimizer.config.name) {
    throw new InputError(`${path} optimizer`, `"${optimizer.config.name}" (as the live optimizer)`, JSON.stringify(file.optimizerConfig.name));
  }
  const assignments = [
    ...planAssignments(arrays, 'encoder/', layout.encoderVariables, encoder.variables, path),
    ...planAssignments(arrays, 'encoder/', layout.encoderState, encoder.state, path),
    ...planAssignments(arrays, 'objective/', layout.objectiveVariables, objectiveState.variables, path),
    ...planAssignments(arrays, 'objective/', layout.objectiveState, objectiveState.state, path),
  ];
  const liveVariables = [...encoder.variables, ...objectiveState.variables];
  const liveName = new Map([...layout.encoderVariables, ...layout.objectiveVariables].map((saved, i) => [saved, liveVariables[i].name]));
  const slots: Record<string, Record<string, SafetensorsArray>> = {};
  for (const [key, array] of Object.entries(arrays)) {
    if (!key.startsWith('optimizer/')) continue;
    const rest = key.slice('optimizer/'.length);
    const slash = rest.indexOf('/');
    const live = liveName.get(rest.slice(slash + 1));
    if (slash < 1 || live === undefined) {
      throw new InputError(`${path} tensor "${key}"`, 'optimizer/<slot>/<a trainable variable in the layout>', 'an unknown variable');
    }
    (slots[rest.slice(0, slash)] ??= {})[live] = array;
  }
  assignAll(assignments);
  const tensors: Record<string, NamedTensors> = {};
  for (const [slot, byName] of Object.entries(slots)) {
    tensors[slot] = Object.fromEntries(Object.entries(byName).map(([name, a]) => [name, tf.tensor(a.data, [...a.shape])]));
  }
  try {
    optimizer.load({ step: file.optimizerStep, slots: tensors });
  } finally {
    for (const byName of Object.values(tensors)) for (const t of Object.values(byName)) t.dispose();
  }
}

/**
 * Rebuilds a whole training state from a checkpoint: encoder from its config, objective
 * and its state, optimizer; then restores every value. The caller disposes the result.
 */
export async function loadCheckpoint(path: string, options: Partial<CheckpointLoadOptions> = {}): Promise<LoadedCheckpoint> {
  const o = resolveOptions(defaultCheckpointLoadOptions, checkpointLoadRules, options, 'loadCheckpoint options');
  const file = await readCheckpoint(path);
  const encoder = o.createEncoder(file.encoderConfig);
  let objectiveState: ObjectiveState | undefined;
  let optimizer: Optimizer | undefined;
  try {
    const objective = o.createObjective(file.objectiveConfig);
    objectiveState = objective.init(encoder, createRng(file.seed).fork('objective'));
    optimizer = createOptimizer(file.optimizerConfig);
    restoreCheckpoint(file, { encoder, objectiveState, optimizer });
    const parts = { encoder, objectiveState, optimizer };
    return {
      ...parts,
      objective,
      file,
      dispose: () => {
        parts.optimizer.dispose();
        parts.objectiveState.dispose();
        parts.encoder.dispose();
      },
    };
  } catch (error) {
    optimizer?.dispose();
    objectiveState?.dispose();
    encoder.dispose();
    throw error;
  }
}
