import type * as tf from '@tensorflow/tfjs-core';
import { describeValue, InputError } from '../util/errors';
import { mergeOptions as mergeAny } from '../util/options';

/** A closed interval `[min, max]` with `min <= max`. */
export type Range = [number, number];

/** Short description of a value for error messages (see `describeValue`). */
export const describe = describeValue;

/** Merges `options` over `defaults` once, rejecting unknown fields (the library's one `mergeOptions`). */
export const mergeOptions = <T extends object>(defaults: T, options: unknown, where: string): T => mergeAny(defaults, options as object | undefined, where);

/** Checks a finite number in `[min, max]`. */
export function checkNumber(value: unknown, where: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const bounds = min === -Infinity && max === Infinity ? 'a finite number' : `a number in [${min}, ${max}]`;
    throw new InputError(where, bounds, describe(value));
  }
  return value;
}

/** Checks a probability in `[0, 1]`. */
export function checkProbability(value: unknown, where: string): number {
  return checkNumber(value, where, 0, 1);
}

/** Checks an integer in `[min, max]`. */
export function checkInteger(value: unknown, where: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(where, `an integer in [${min}, ${max}]`, describe(value));
  }
  return value;
}

/** Checks `[lo, hi]` with `min <= lo <= hi <= max` (`positive`: `lo > 0`). */
export function checkRange(
  value: unknown,
  where: string,
  bounds: { min?: number; max?: number; positive?: boolean } = {},
): Range {
  const { min = -Infinity, max = Infinity, positive = false } = bounds;
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    value[0] <= value[1] &&
    value[0] >= min &&
    value[1] <= max &&
    (!positive || value[0] > 0);
  if (!ok) {
    const limits = [
      positive ? 'lo > 0' : min !== -Infinity ? `lo >= ${min}` : '',
      max !== Infinity ? `hi <= ${max}` : '',
    ]
      .filter((s) => s !== '')
      .join(', ');
    throw new InputError(where, `an ordered range [lo, hi] with lo <= hi${limits ? `, ${limits}` : ''}`, describe(value));
  }
  return [value[0], value[1]];
}

/** Checks an images batch: rank 4, float32, optionally a channel count among `channels`. */
export function checkImages(images: tf.Tensor, where: string, channels?: readonly number[]): void {
  if (images === null || typeof images !== 'object' || !Array.isArray(images.shape) || images.rank !== 4) {
    throw new InputError(`${where}: images`, 'a rank-4 tensor [batch, height, width, channels]', images?.shape ? `shape [${images.shape}]` : describe(images));
  }
  if (images.dtype !== 'float32') {
    throw new InputError(`${where}: images`, 'dtype float32 (values in [0, 1])', `dtype ${images.dtype}`);
  }
  if (channels !== undefined && !channels.includes(images.shape[3] as number)) {
    throw new InputError(`${where}: images`, `${channels.join(' or ')} channels`, `shape [${images.shape}]`);
  }
}

/** Checks a boolean. */
export function checkBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new InputError(where, 'true or false', describe(value));
  return value;
}

/**
 * Resolves one stage of a preset: `override` undefined keeps `stageDefault`; `null` turns the
 * stage off; an object is merged over `stageDefault` (or, when that is `null`, over the
 * operation's own `opDefaults`), rejecting unknown option names.
 */
export function mergeStage<T extends object>(
  opDefaults: T,
  stageDefault: Partial<T> | null,
  override: unknown,
  where: string,
): Partial<T> | null {
  if (override === undefined) return stageDefault === null ? null : { ...stageDefault };
  if (override === null) return null;
  const base = { ...opDefaults, ...(stageDefault ?? {}) };
  return mergeOptions(base, override, where);
}
