import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

/** The options of arquero's `fromCSV`. */
export type CsvOptions = Parameters<typeof aq.fromCSV>[1];

/**
 * A table from CSV text as arquero's `fromCSV` reads it, also where that fails: text of a
 * header and no rows gives an empty table with the header's columns, empty text an empty
 * table without columns (what `toCSV` writes for such tables).
 */
export function tableFromCsv(text: string, options?: CsvOptions): ColumnTable {
  const body = text.replace(/\r?\n$/, '');
  if (body === '') return aq.table({});
  if (body.includes('\n')) return aq.fromCSV(text, options);
  // A header alone (arquero fails on it): read twice, as header and as a row of text, the row then dropped.
  return aq.fromCSV(`${body}\n${body}`, { ...options, autoType: false, parse: {} }).slice(0, 0);
}
