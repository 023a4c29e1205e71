import type { ConformanceReport } from './run-conformance';
import type { ConformanceRow } from './conformance-case';

const errorText = (e: number | null) => (e === null ? 'n/a' : e === 0 ? '0' : e.toExponential(1));

/**
 * The suite's result as a table, one line per row: kernel, shape, max error, tolerance,
 * ok (and the note or problem), then a summary line naming every failure.
 */
export function formatConformanceTable(report: ConformanceReport): string {
  const header = ['kernel', 'shape', 'max error', 'tolerance', 'ok'];
  const body = report.rows.map((r) => [r.kernel, r.shape, errorText(r.maxError), errorText(r.tolerance), r.ok ? 'ok' : 'FAIL', r.problem ?? r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd();
  const lines = [line([...header, 'note']), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  lines.push('');
  lines.push(conformanceSummary(report));
  return lines.join('\n');
}

/** One line: how many rows passed on which backend against which reference, and each failure by kernel and shape. */
export function conformanceSummary(report: ConformanceReport): string {
  const head = `conformance of ${report.backend} against ${report.reference}: ${report.rows.length - report.failures.length}/${report.rows.length} rows pass in ${report.seconds.toFixed(1)} s`;
  return report.ok ? head : `${head}; FAILED: ${report.failures.map(failureText).join('; ')}`;
}

/** `kernel [shape] (error > tolerance or the problem)`. */
export function failureText(row: ConformanceRow): string {
  return `${row.kernel} at ${row.shape} (${row.problem ?? `max error ${errorText(row.maxError)} > tolerance ${errorText(row.tolerance)}`})`;
}
