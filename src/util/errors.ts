/**
 * Error type for bad input: says what was expected, what was found, and where
 * (file, field, index). `where` is put first so a long message still shows it.
 */
export class InputError extends Error {
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${where}: expected ${expected}, found ${found}`);
    this.name = 'InputError';
  }
}

/** Throws an `InputError` unless `condition` holds. */
export function check(condition: unknown, where: string, expected: string, found: string | (() => string)): asserts condition {
  if (!condition) throw new InputError(where, expected, typeof found === 'function' ? found() : found);
}

/** Short description of a found value for error messages: JSON, cut to 80 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof value;
  }
}
