import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { createEncoder as createRegisteredEncoder } from '../encoders/create-encoder';
import type { Encoder, EncoderConfig } from '../encoders/encoder';
import { relativeVariableName } from '../encoders/param-scope';
import { readSafetensorsFile, writeSafetensorsFile, type SafetensorsArrays } from '../io/safetensors';
import { resolveOptions, type OptionRules } from '../util/options';
import { trainRule } from './option-rules';
import { assignAll, checkFormat, metaJson, planAssignments, putAll } from './variable-arrays';

const encoderFormat = 'sslmem-encoder/1';

/** Tensor names of an encoder file: names without their root segment when unique, else full names. */
function encoderKeys(variables: readonly tf.Variable[]): string[] {
  const relative = variables.map((v) => relativeVariableName(v.name));
  return new Set(relative).size === relative.length ? relative : variables.map((v) => v.name);
}

/**
 * Saves just an encoder: its variables and state as float32 tensors named
 * `<layer>/<param>` (e.g. `dense1/kernel`), with `encoder.config` (JSON) in the metadata,
 * readable from Python with `safetensors.torch.load_file` / `safetensors.numpy.load_file`.
 * Layouts are TensorFlow's: dense kernels `[in, out]` (PyTorch's Linear weight is the
 * transpose), conv kernels `[kh, kw, in, out]`.
 */
export async function saveEncoder(path: string, encoder: Encoder): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const all = [...encoder.variables, ...encoder.state];
  const keys = encoderKeys(all);
  const arrays: SafetensorsArrays = {};
  putAll(arrays, '', all.map((v, i) => [keys[i], v]));
  await writeSafetensorsFile(path, arrays, {
    format: 'pt',
    'sslmem.format': encoderFormat,
    'encoder.config': JSON.stringify(encoder.config),
    'encoder.variables': JSON.stringify(keys.slice(0, encoder.variables.length)),
    'encoder.state': JSON.stringify(keys.slice(encoder.variables.length)),
  });
}

/** Options of `loadEncoder`. */
export interface EncoderLoadOptions {
  /** Builds the encoder from its stored config. Default: the encoder registry's `createEncoder`. */
  readonly createEncoder: (config: EncoderConfig) => Encoder;
}

/** Defaults of `EncoderLoadOptions`. */
export const defaultEncoderLoadOptions: EncoderLoadOptions = { createEncoder: createRegisteredEncoder };

const encoderLoadRules: OptionRules<EncoderLoadOptions> = { createEncoder: trainRule.callback() };

/**
 * Loads an encoder saved by `saveEncoder`: builds it from the stored config with
 * `createEncoder` (default: the encoder registry) and restores every value.
 */
export async function loadEncoder(path: string, options: Partial<EncoderLoadOptions> = {}): Promise<Encoder> {
  const create = resolveOptions(defaultEncoderLoadOptions, encoderLoadRules, options, 'loadEncoder options').createEncoder;
  const { arrays, metadata } = await readSafetensorsFile(path);
  checkFormat(metadata, encoderFormat, path);
  const encoder = create(metaJson<EncoderConfig>(metadata, 'encoder.config', path));
  try {
    assignAll([
      ...planAssignments(arrays, '', metaJson<string[]>(metadata, 'encoder.variables', path), encoder.variables, path),
      ...planAssignments(arrays, '', metaJson<string[]>(metadata, 'encoder.state', path), encoder.state, path),
    ]);
    return encoder;
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
