import { InputError } from '../util/errors';

/**
 * JSON text of `value` that does not depend on key order: object keys sorted, no
 * whitespace; keys whose value is `undefined` are left out (as `JSON.stringify` does), typed
 * arrays become arrays. Throws `InputError` (with the path of the offending field) for
 * values JSON cannot represent faithfully: NaN, infinities, functions, symbols, bigints,
 * class instances such as Map, Set, Date or tensors.
 */
export function canonicalJson(value: unknown, where = 'config'): string {
  return write(value, where);
}

function write(v: unknown, path: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new InputError(path, 'a finite number', String(v));
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      throw new InputError(path, 'a JSON value (null, boolean, number, string, array, plain object)', typeof v);
  }
  if (Array.isArray(v)) return `[${v.map((x, i) => write(x === undefined ? null : x, `${path}[${i}]`)).join(',')}]`;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return write(Array.from(v as unknown as ArrayLike<number>), path);
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new InputError(path, 'a plain object', `an instance of ${name}`);
  }
  const entries = Object.keys(v as object)
    .sort()
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], `${path}.${k}`)}`);
  return `{${entries.join(',')}}`;
}
