import { basename } from 'node:path';

/** A number for a summary: 4 decimals, or 3 significant digits in exponent form when tiny. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0 || Math.abs(x) >= 1e-3) return x.toFixed(4);
  return x.toExponential(2);
}

/** A p-value: 4 decimals, exponent form below 1e-4. */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

/** Rows as an aligned text table with a header; numbers through `formatNumber`, right-aligned. */
export function formatTable(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  const cells = rows.map((r) =>
    columns.map((c) => {
      const v = r[c];
      return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : formatNumber(v)) : String(v ?? '');
    }),
  );
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const isNumeric = columns.map((c) => rows.every((r) => typeof r[c] === 'number'));
  const line = (values: readonly string[]): string =>
    values
      .map((v, j) => (isNumeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

/** `Files in DIR: a, b, c` for the written paths. */
export function listFiles(out: string, paths: readonly string[]): string {
  return `Files in ${out}: ${paths.map((p) => basename(p)).join(', ')}`;
}
