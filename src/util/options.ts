import { describeValue, InputError } from './errors';

export { describeValue };

/**
 * Fills `options` in on top of `defaults` (fields given as `undefined` keep the default)
 * and rejects fields that `defaults` does not have, so a typo in a config fails loudly.
 * `kind`, when present, must equal `kind`.
 */
export function mergeOptions<T extends object>(
  defaults: T,
  options: object | undefined,
  where: string,
  kind?: string,
): T {
  if (options === undefined || options === null) return { ...defaults };
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InputError(where, 'an options object', describeValue(options));
  }
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [field, value] of Object.entries(options)) {
    if (field === 'kind' && kind !== undefined) {
      if (value !== kind) throw new InputError(`${where}.kind`, JSON.stringify(kind), describeValue(value));
      continue;
    }
    if (!Object.hasOwn(defaults, field)) {
      throw new InputError(`${where}.${field}`, `one of the fields ${Object.keys(defaults).join(', ')}`, 'an unknown field');
    }
    if (value !== undefined) out[field] = value;
  }
  return out as T;
}

/** Checks a positive integer. */
export function checkPositiveInt(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InputError(where, 'a positive integer', describeValue(value));
  }
  return value;
}

/** Checks an integer (e.g. a seed). */
export function checkInt(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InputError(where, 'an integer', describeValue(value));
  }
  return value;
}

/** Checks a finite number in `[min, max]` (or `(min, max)`/`[min, max)` per `open`). */
export function checkNumber(
  value: unknown,
  where: string,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minOpen = false, maxOpen = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minOpen ? value > min : value >= min) &&
    (maxOpen ? value < max : value <= max);
  if (!ok) {
    const lo = Number.isFinite(min) ? `${minOpen ? '(' : '['}${min}` : '(-inf';
    const hi = Number.isFinite(max) ? `${max}${maxOpen ? ')' : ']'}` : 'inf)';
    throw new InputError(where, `a finite number in ${lo}, ${hi}`, describeValue(value));
  }
  return value as number;
}

/** Checks a boolean. */
export function checkBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new InputError(where, 'true or false', describeValue(value));
  return value;
}

/** Checks that `value` is one of `choices`. */
export function checkChoice<C extends string>(value: unknown, choices: readonly C[], where: string): C {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InputError(where, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, describeValue(value));
  }
  return value as C;
}

/** Checks a list of integers (each `>= min`, at least `minLength` entries); returns a copy. */
export function checkIntList(value: unknown, where: string, options: { min?: number; minLength?: number } = {}): number[] {
  const { min = 1, minLength = 0 } = options;
  if (!Array.isArray(value)) throw new InputError(where, 'an array of integers', describeValue(value));
  if (value.length < minLength) {
    throw new InputError(where, `at least ${minLength} entr${minLength === 1 ? 'y' : 'ies'}`, `${value.length}`);
  }
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new InputError(`${where}[${i}]`, `an integer >= ${min}`, describeValue(v));
    }
  });
  return [...(value as number[])];
}

/** Checks an input shape `[height, width, channels]` of positive integers; returns a copy. */
export function checkInputShape(value: unknown, where: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new InputError(where, '[height, width, channels]', describeValue(value));
  }
  const list = checkIntList(value, where, { min: 1 });
  return [list[0], list[1], list[2]];
}

/** Checks a scope name: non-empty, no `/`. */
export function checkName(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('/')) {
    throw new InputError(where, 'a non-empty name without "/"', describeValue(value));
  }
  return value;
}

/** Checks one option's value and returns it (a copy for arrays), or throws an `InputError` at `where`. */
export type OptionRule<T> = (value: unknown, where: string) => T;

/** One rule per field of an options object. */
export type OptionRules<T> = { readonly [K in keyof T]-?: OptionRule<T[K]> };

/**
 * The one way options resolve: `options` merged over `defaults` (`mergeOptions`: unknown
 * fields throw, `undefined` keeps the default), then every field checked by its rule, in
 * the order of `defaults`. `where` names the options in errors, e.g. `byol options`, so a
 * bad value reads `byol options.momentum: expected a finite number in [0, 1], found 2`.
 */
export function resolveOptions<T extends object>(defaults: T, rules: OptionRules<T>, options: unknown, where: string): T {
  const merged = mergeOptions(defaults, options as object | undefined, where) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(defaults)) {
    const rule = (rules as Record<string, OptionRule<unknown>>)[field];
    if (rule === undefined) throw new Error(`resolveOptions ${where}: no rule for field ${field}`);
    out[field] = rule(merged[field], `${where}.${field}`);
  }
  return out as T;
}

/** Rule builders for `resolveOptions`. */
export const rule = {
  /** An integer in `[min, max]`. */
  int: (range: { min?: number; max?: number } = {}): OptionRule<number> => (v, where) => {
    const { min = -Infinity, max = Infinity } = range;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const bounds = [Number.isFinite(min) ? `>= ${min}` : '', Number.isFinite(max) ? `<= ${max}` : ''].filter(Boolean).join(' and ');
      throw new InputError(where, `an integer${bounds ? ` ${bounds}` : ''}`, describeValue(v));
    }
    return v;
  },
  /** A finite number in the range (see `checkNumber`). */
  number: (range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {}): OptionRule<number> => (v, where) => checkNumber(v, where, range),
  /** True or false. */
  boolean: (): OptionRule<boolean> => checkBoolean,
  /** One of `choices`. */
  choice: <C extends string>(choices: readonly C[]): OptionRule<C> => (v, where) => checkChoice(v, choices, where),
  /** A list of integers, each `>= min`. */
  intList: (options: { min?: number; minLength?: number } = {}): OptionRule<number[]> => (v, where) => checkIntList(v, where, options),
  /** A name without `/`. */
  name: (): OptionRule<string> => checkName,
  /** Exactly `value` (e.g. an options object's `name` field). */
  literal: <V extends string | number | boolean>(value: V): OptionRule<V> => (v, where) => {
    if (v !== value) throw new InputError(where, JSON.stringify(value), describeValue(v));
    return value;
  },
  /** An options object resolved by `resolve` (its own defaults and rules). */
  nested: <T>(resolve: (value: unknown, where: string) => T): OptionRule<T> => resolve,
  /** `null`, or a value `inner` accepts. */
  nullable: <T>(inner: OptionRule<T>): OptionRule<T | null> => (v, where) => (v === null ? null : inner(v, where)),
};
