import { InputError } from './errors';

/**
 * Keys that reach an object's prototype: assigning `o.__proto__ = v` replaces the prototype
 * and `o.constructor.prototype` is shared by every object, so data from users (command-line
 * `--set` paths, config and plan files, queued jobs, notebook overrides) may not use them
 * as field names anywhere.
 */
export const prototypeKeys: readonly string[] = ['__proto__', 'prototype', 'constructor'];

/** Limits on plain data from users (`assertPlainData`). */
export interface PlainDataLimits {
  /** Deepest nesting of objects and arrays (the value itself is level 1). Default 32. */
  readonly maxDepth?: number;
  /** Longest string value, in UTF-16 units. Default 4096 (a path). */
  readonly maxStringLength?: number;
  /** Longest field name. Default 200. */
  readonly maxKeyLength?: number;
}

/** The limits `assertPlainData` applies unless told otherwise. */
export const defaultPlainDataLimits: Required<PlainDataLimits> = { maxDepth: 32, maxStringLength: 4096, maxKeyLength: 200 };

const keysExpected = `a field name other than ${prototypeKeys.join(', ')} (keys that reach an object's prototype)`;

/**
 * Throws an `InputError` at `where` when `key` is one of `prototypeKeys`; `options.as` names
 * what the key is in the message (default `key`, e.g. `path segment`).
 */
export function assertSafeKey(key: string, where: string, options: { as?: string } = {}): void {
  if (prototypeKeys.includes(key)) throw new InputError(where, keysExpected, `${options.as ?? 'key'} ${JSON.stringify(key)}`);
}

/**
 * `where` followed by a field path (`.train.lr`, `[3]`): appended directly, or after a space
 * when `where` ends with a colon (`plan file P.json:` + `jobs[0]`); a very long path is cut
 * in the middle.
 */
export function fieldWhere(where: string, path: string): string {
  if (path === '') return where.replace(/:$/, '');
  const shown = path.length > 160 ? `${path.slice(0, 70)}...${path.slice(-70)}` : path;
  return where.endsWith(':') ? `${where} ${shown.replace(/^\./, '')}` : `${where}${shown}`;
}

function segmentOf(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key)}]`;
}

interface Visit {
  readonly value: unknown;
  readonly parent: Visit | undefined;
  readonly segment: string;
  readonly depth: number;
}

function pathOf(visit: Visit | undefined): string {
  const segments: string[] = [];
  for (let v = visit; v !== undefined; v = v.parent) segments.push(v.segment);
  return segments.reverse().join('');
}

/**
 * Checks that `value` is plain data a user may hand in, before anything merges, copies or
 * hashes it: JSON values (objects, arrays, strings, finite numbers, booleans, null; fields
 * that are `undefined` count as absent), no field named `__proto__`, `prototype` or
 * `constructor` (own keys included, as `JSON.parse` makes them), nesting at most
 * `maxDepth` levels, strings and field names within their lengths. Walks iteratively, so
 * a value nested 100,000 deep is refused with its path instead of overflowing the stack.
 * Errors are `InputError`s at `where` plus the field path, e.g.
 * `--config c.json: train.lr: expected a finite number, found Infinity`.
 */
export function assertPlainData(value: unknown, where: string, limits: PlainDataLimits = {}): void {
  const { maxDepth, maxStringLength, maxKeyLength } = { ...defaultPlainDataLimits, ...limits };
  const stack: Visit[] = [{ value, parent: undefined, segment: '', depth: 1 }];
  const fail = (visit: Visit, expected: string, found: string): never => {
    throw new InputError(fieldWhere(where, pathOf(visit)), expected, found);
  };
  while (stack.length > 0) {
    const visit = stack.pop() as Visit;
    const v = visit.value;
    switch (typeof v) {
      case 'undefined':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(v)) fail(visit, 'a finite number', String(v));
        continue;
      case 'string':
        if (v.length > maxStringLength) fail(visit, `a string of at most ${maxStringLength} characters`, `${v.length} characters`);
        continue;
      case 'object':
        break;
      default:
        fail(visit, 'plain data (JSON values)', `a ${typeof v}`);
    }
    const obj = v as object | null;
    if (obj === null) continue;
    if (visit.depth > maxDepth) fail(visit, `nesting at most ${maxDepth} levels deep`, 'deeper nesting');
    if (ArrayBuffer.isView(obj)) fail(visit, 'plain data (a JSON array, not a typed array)', Object.prototype.toString.call(obj));
    if (Array.isArray(obj)) {
      for (let i = obj.length - 1; i >= 0; i--) {
        const item: unknown = obj[i];
        if (typeof item === 'number' && Number.isFinite(item)) continue; // the common case (ids), kept off the stack
        stack.push({ value: item, parent: visit, segment: `[${i}]`, depth: visit.depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(obj);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key.length > maxKeyLength) fail(visit, `field names of at most ${maxKeyLength} characters`, `a field name of ${key.length} characters`);
      const child: Visit = { value: (obj as Record<string, unknown>)[key], parent: visit, segment: segmentOf(key), depth: visit.depth + 1 };
      if (prototypeKeys.includes(key)) fail(child, keysExpected, `key ${JSON.stringify(key)}`);
      stack.push(child);
    }
  }
}

/**
 * Sets `target[key] = value` as an own data property (never through an inherited setter
 * such as `__proto__`'s), after `assertSafeKey(key, where)`.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown, where: string): void {
  assertSafeKey(key, where);
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A plain object of `entries` (own data properties only), each key checked by `assertSafeKey`. */
export function plainObjectFrom(entries: Iterable<readonly [string, unknown]>, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) setOwn(out, key, value, fieldWhere(where, segmentOf(key)));
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Options of `safeMerge`. */
export interface SafeMergeOptions {
  /**
   * Whether `patch` replaces the object at `path` (e.g. `.encoder`) whole instead of being
   * merged into it field by field (default: never).
   */
  readonly replaces?: (path: string, base: Record<string, unknown>, patch: Record<string, unknown>) => boolean;
  /** Deepest nesting merged (default `defaultPlainDataLimits.maxDepth`). */
  readonly maxDepth?: number;
}

/**
 * `patch` merged over `base` into new objects: objects field by field, arrays and other
 * values replace, `undefined` keeps the base value. Every field of the result is an own data
 * property, every key of `patch` is checked by `assertSafeKey` (errors at `where` plus the
 * path) and the recursion stops at `maxDepth` with an `InputError`; `base` and `patch` are
 * not changed.
 */
export function safeMerge(base: unknown, patch: unknown, where: string, options: SafeMergeOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? defaultPlainDataLimits.maxDepth;
  const merge = (b: unknown, p: unknown, path: string, depth: number): unknown => {
    if (p === undefined) return b;
    if (!isObject(p) || !isObject(b) || options.replaces?.(path, b, p) === true) return p;
    if (depth > maxDepth) throw new InputError(fieldWhere(where, path), `nesting at most ${maxDepth} levels deep`, 'deeper nesting');
    const out = plainObjectFrom(Object.entries(b), fieldWhere(where, path));
    for (const [key, value] of Object.entries(p)) {
      const at = `${path}${segmentOf(key)}`;
      assertSafeKey(key, fieldWhere(where, at));
      setOwn(out, key, merge(Object.hasOwn(out, key) ? out[key] : undefined, value, at, depth + 1), fieldWhere(where, at));
    }
    return out;
  };
  return merge(base, patch, '', 1);
}
