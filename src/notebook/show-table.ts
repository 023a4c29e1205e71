import type { ColumnTable } from 'arquero';
import type { BundleSink, MimeBundle } from './mime-bundle';
import { sendToKernel } from './tslab-kernel';

/** Options of `tableBundle` and `showTable`. */
export interface ShowTableOptions {
  /** At most this many rows. Default 20. */
  limit?: number;
  /** Fraction digits of numbers at most. Default 4. */
  maxdigits?: number;
  /** Columns to show, in order; all by default. */
  columns?: readonly string[];
  /** A caption above the table. */
  caption?: string;
  /** Where `showTable` sends the bundle; the running tslab kernel by default. */
  send?: BundleSink;
}

/** Defaults of `showTable`. */
export const defaultShowTableOptions = { limit: 20, maxdigits: 4 } as const;

/**
 * An arquero table as a MIME bundle: an HTML table (renders everywhere, GitHub included)
 * and its Markdown as `text/plain`, with a note of the rows left out.
 */
export function tableBundle(table: ColumnTable, options: ShowTableOptions = {}): MimeBundle {
  const o = { ...defaultShowTableOptions, ...options };
  const format = { limit: o.limit, maxdigits: o.maxdigits, ...(o.columns ? { columns: [...o.columns] } : {}) };
  const more = table.numRows() > o.limit ? `${table.numRows() - o.limit} more rows (${table.numRows()} in all)` : '';
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    'text/html': `${o.caption ? `<p><b>${escape(o.caption)}</b></p>` : ''}${table.toHTML(format)}${more ? `<p><i>${more}</i></p>` : ''}`,
    'text/plain': `${o.caption ? `${o.caption}\n` : ''}${table.toMarkdown(format)}${more ? `${more}\n` : ''}`,
  };
}

/** Shows an arquero table (see `tableBundle`) as one output; outside a kernel it sends nothing. */
export function showTable(table: ColumnTable, options: ShowTableOptions = {}): void {
  const bundle = tableBundle(table, options);
  if (options.send) options.send(bundle);
  else sendToKernel(bundle);
}
