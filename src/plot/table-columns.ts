import type { ColumnTable } from 'arquero';
import { InputError } from '../util/errors';

/** The values of column `name` as a plain (JSON-safe) array; `InputError` naming `where` if absent. */
export function columnValues(table: ColumnTable, name: string, where: string): unknown[] {
  const names = table.columnNames();
  if (!names.includes(name)) {
    throw new InputError(where, `a column of the table (one of: ${names.join(', ')})`, JSON.stringify(name));
  }
  return Array.from(table.array(name) as ArrayLike<unknown>);
}

/** Rows of one colour group: its value as a legend name and the row indices in table order. */
export interface ColorGroup {
  name: string;
  rows: number[];
}

/**
 * Splits the rows by the values of column `color` (one group of all rows when `color` is
 * undefined). Groups are ordered by value when all values are numbers, else by first
 * appearance; `order` (names) overrides both for the names it lists.
 */
export function colorGroups(table: ColumnTable, color: string | undefined, where: string, order?: readonly string[]): ColorGroup[] {
  const n = table.numRows();
  if (color === undefined) return [{ name: '', rows: Array.from({ length: n }, (_, i) => i) }];
  const values = columnValues(table, color, `${where}: option color`);
  const groups = new Map<unknown, number[]>();
  values.forEach((v, i) => {
    const rows = groups.get(v);
    if (rows) rows.push(i);
    else groups.set(v, [i]);
  });
  let keys = [...groups.keys()];
  if (keys.every((k) => typeof k === 'number')) keys = (keys as number[]).sort((a, b) => a - b);
  const result = keys.map((k) => ({ name: String(k), rows: groups.get(k)! }));
  if (!order) return result;
  const rank = (g: ColorGroup): number => {
    const i = order.indexOf(g.name);
    return i < 0 ? order.length : i;
  };
  return result.map((g, i) => ({ g, i })).sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i).map(({ g }) => g);
}

/** `values` at `rows`. */
export function pick<T>(values: readonly T[], rows: readonly number[]): T[] {
  return rows.map((i) => values[i]!);
}
