import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsArray, SafetensorsArrays } from '../io/safetensors';
import { InputError } from '../util/errors';

// Helpers shared by checkpoints and encoder files: variables to safetensors arrays and
// back (matched by position, checked before any value changes), and metadata parsing.

/** A float32/int32 tensor's values as a safetensors array (not copied). */
export function tensorArray(t: tf.Tensor, where: string): SafetensorsArray {
  if (t.dtype === 'float32') return { shape: t.shape, data: t.dataSync() as Float32Array };
  if (t.dtype === 'int32') return { shape: t.shape, data: t.dataSync() as Int32Array };
  throw new InputError(where, 'a float32 or int32 tensor', t.dtype);
}

/** Adds `prefix + name` -> values for each tensor, refusing duplicate keys. */
export function putAll(arrays: SafetensorsArrays, prefix: string, tensors: Iterable<[string, tf.Tensor]>): void {
  for (const [name, t] of tensors) {
    const key = `${prefix}${name}`;
    if (key in arrays) throw new InputError(`checkpoint tensor "${key}"`, 'unique variable names', 'a duplicate');
    arrays[key] = tensorArray(t, `checkpoint tensor "${key}"`);
  }
}

/** `[name, variable]` pairs. */
export const named = (vars: readonly tf.Variable[]): Array<[string, tf.Tensor]> => vars.map((v) => [v.name, v]);

/** One assignment checked before any is made, so a failing restore changes nothing. */
export interface Assignment {
  readonly variable: tf.Variable;
  readonly array: SafetensorsArray;
}

/**
 * Pairs the i-th variable with the array stored under `prefix + savedNames[i]`, checking
 * shape and dtype, so that nothing is assigned unless everything matches.
 * @throws InputError naming `where` and the tensor.
 */
export function planAssignments(
  arrays: SafetensorsArrays,
  prefix: string,
  savedNames: readonly string[],
  variables: readonly tf.Variable[],
  where: string,
): Assignment[] {
  if (savedNames.length !== variables.length) {
    throw new InputError(`${where} ${prefix}`, `${variables.length} variables (as the model has)`, `${savedNames.length}`);
  }
  return variables.map((variable, i) => {
    const key = `${prefix}${savedNames[i]}`;
    const array = arrays[key];
    if (array === undefined) throw new InputError(`${where} tensor "${key}"`, 'a tensor listed in the layout', 'none');
    const dtype = array.data instanceof Float32Array ? 'float32' : array.data instanceof Int32Array ? 'int32' : 'uint8';
    const sameShape = array.shape.length === variable.shape.length && array.shape.every((d, k) => d === variable.shape[k]);
    if (!sameShape || dtype !== variable.dtype) {
      throw new InputError(
        `${where} tensor "${key}"`,
        `${variable.dtype} [${variable.shape.join(', ')}] as variable ${i} "${variable.name}"`,
        `${dtype} [${array.shape.join(', ')}]`,
      );
    }
    return { variable, array };
  });
}

/** Assigns planned values (see `planAssignments`). */
export function assignAll(assignments: readonly Assignment[]): void {
  tf.tidy(() => {
    for (const { variable, array } of assignments) variable.assign(tf.tensor(array.data, variable.shape, variable.dtype));
  });
}

/** A metadata value, required. */
export function metaText(metadata: Record<string, string>, key: string, where: string): string {
  const value = metadata[key];
  if (value === undefined) throw new InputError(`${where} metadata "${key}"`, 'a value', 'none (not an sslmem file?)');
  return value;
}

/** A metadata value parsed as JSON, required. */
export function metaJson<T>(metadata: Record<string, string>, key: string, where: string): T {
  const text = metaText(metadata, key, where);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InputError(`${where} metadata "${key}"`, 'JSON', JSON.stringify(text.slice(0, 80)));
  }
}

/** A metadata value parsed as an integer, required. */
export function metaInt(metadata: Record<string, string>, key: string, where: string): number {
  const text = metaText(metadata, key, where);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InputError(`${where} metadata "${key}"`, 'an integer', JSON.stringify(text));
  return value;
}

/** Checks the `sslmem.format` metadata. */
export function checkFormat(metadata: Record<string, string>, format: string, where: string): void {
  const found = metadata['sslmem.format'];
  if (found !== format) throw new InputError(`${where} metadata "sslmem.format"`, JSON.stringify(format), found === undefined ? 'none' : JSON.stringify(found));
}
