import type { ColumnTable } from 'arquero';
import { guardedStdout } from './progress-bar';

/** Options of `tableText` and `printTable`. */
export interface PrintTableOptions {
  /** At most this many rows. Default 20. */
  limit?: number;
  /** Significant digits of non-integer numbers. Default 4. */
  digits?: number;
  /** Columns to show, in order; all by default. */
  columns?: readonly string[];
  /** Where `printTable` writes. Default `process.stdout` (quiet once its socket is closed). */
  write?: (text: string) => void;
}

/** Defaults of `tableText` and `printTable`. */
export const defaultPrintTableOptions = { limit: 20, digits: 4 } as const;

/**
 * A number as a table shows it: integers whole, others to `digits` significant digits
 * (trailing zeros dropped), in exponent form below 0.001 and from 1e6 on.
 */
export function formatTableNumber(value: number, digits: number = defaultPrintTableOptions.digits): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  const fixed = value.toPrecision(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * An arquero table as aligned plain text: a header, a rule, numbers right-aligned and
 * rounded to `digits` significant digits, and a note of the rows left out.
 */
export function tableText(table: ColumnTable, options: PrintTableOptions = {}): string {
  const o = { ...defaultPrintTableOptions, ...options };
  const names = o.columns ? [...o.columns] : table.columnNames();
  const rows = table.objects({ limit: o.limit }) as Array<Record<string, unknown>>;
  const cell = (v: unknown): string => (typeof v === 'number' ? formatTableNumber(v, o.digits) : v === undefined || v === null ? '' : String(v));
  const columns = names.map((name) => {
    const texts = rows.map((r) => cell(r[name]));
    const numeric = rows.length > 0 && rows.every((r) => typeof r[name] === 'number' || r[name] === null || r[name] === undefined);
    const width = Math.max(name.length, ...texts.map((t) => t.length));
    const pad = (t: string) => (numeric ? t.padStart(width) : t.padEnd(width));
    return { head: pad(name), rule: '-'.repeat(width), cells: texts.map(pad) };
  });
  const line = (parts: string[]) => parts.join('  ').trimEnd();
  const lines = [line(columns.map((c) => c.head)), line(columns.map((c) => c.rule)), ...rows.map((_, i) => line(columns.map((c) => c.cells[i])))];
  const more = table.numRows() - rows.length;
  if (more > 0) lines.push(`(${more} more rows, ${table.numRows()} in all)`);
  return `${lines.join('\n')}\n`;
}

/**
 * Prints an arquero table as rounded, aligned text (`tableText`) and returns nothing, so a
 * notebook shows the table once (arquero's own `print()` shows every digit, and returns the
 * table, which the kernel then echoes). Works in scripts and notebooks alike; `showTable`
 * gives a notebook an HTML table instead.
 */
export function printTable(table: ColumnTable, options: PrintTableOptions = {}): void {
  (options.write ?? guardedStdout())(tableText(table, options));
}
