import type { ColumnTable } from 'arquero';
import type { RunFiles, StoredRun } from './run-store';
import { tableFromCsv } from '../io/csv-table';

/** How a value becomes files of a run and back (see `cached`). */
export interface RunCodec<T> {
  /** The files that store `value`. */
  encode(value: T): RunFiles | Promise<RunFiles>;
  /** The value back from a stored run. */
  decode(run: StoredRun): T | Promise<T>;
}

/** A value stored as one JSON file (default `value.json`): histories, summaries, small arrays. */
export function jsonCodec<T>(name = 'value.json'): RunCodec<T> {
  return {
    encode: (value) => ({ [name]: `${JSON.stringify(value)}\n` }),
    decode: (run) => run.readJson<T>(name),
  };
}

type ColumnType = 'number' | 'boolean' | 'string';

/**
 * An arquero table stored as CSV (default `table.csv`, readable anywhere) plus
 * `<name>.types.json` with each column's type, so that numbers, booleans and strings
 * that look like numbers come back as they went in. Nulls come back as null.
 */
export function tableCodec(name = 'table.csv'): RunCodec<ColumnTable> {
  const typesName = `${name}.types.json`;
  return {
    encode(table) {
      const types: Record<string, ColumnType> = {};
      for (const column of table.columnNames()) {
        const values = Array.from(table.array(column) as ArrayLike<unknown>).filter((v) => v !== null && v !== undefined);
        types[column] = values.every((v) => typeof v === 'number') ? 'number' : values.every((v) => typeof v === 'boolean') ? 'boolean' : 'string';
      }
      return { [name]: table.toCSV(), [typesName]: `${JSON.stringify(types)}\n` };
    },
    decode(run) {
      const types = run.readJson<Record<string, ColumnType>>(typesName);
      const parse: Record<string, (s: string) => unknown> = {};
      for (const [column, type] of Object.entries(types)) {
        if (type === 'number') parse[column] = (s) => (s === '' ? null : Number(s));
        if (type === 'boolean') parse[column] = (s) => (s === '' ? null : s === 'true');
      }
      return tableFromCsv(run.readText(name), { autoType: false, parse });
    },
  };
}

/** Files stored as given and returned as bytes by name (e.g. a safetensors file written elsewhere). */
export function filesCodec(): RunCodec<RunFiles> {
  return {
    encode: (files) => files,
    decode: (run) => Object.fromEntries(run.files.map((f) => [f, run.read(f)])),
  };
}
