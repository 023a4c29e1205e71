import { InputError } from '../util/errors';

/**
 * Reads an index argument such as `run-job`'s `<index>`: decimal digits only (no sign,
 * blanks, `0x`, exponent or fraction, so `''` is not 0 and `0x1` is not 1), in
 * `0..count - 1`; `InputError` at `where` otherwise, with `options.note` (e.g. `the plan
 * has 2 jobs`) in the expectation.
 */
export function parseIndexArgument(text: string, count: number, where: string, options: { note?: string } = {}): number {
  const note = options.note === undefined ? '' : ` (${options.note})`;
  const expected = count > 0 ? `an integer in 0..${count - 1}, in decimal digits${note}` : `an index, but there is nothing to index${note}`;
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
  if (!/^[0-9]{1,15}$/.test(text)) throw new InputError(where, expected, shown);
  const index = Number(text);
  if (index >= count) throw new InputError(where, expected, shown);
  return index;
}
