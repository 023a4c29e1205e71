/**
 * `npm run conformance -- --backend NAME [--json OUT] [--only TEXT,...] [--reference cpu]`:
 * runs the conformance suite (`runConformance`) on a backend against the cpu backend,
 * prints the table and exits 1 naming every failing kernel and shape. For
 * `tensorflow` and `tensorflow-gpu` it records a pass in the user's cache (so `initBackend()`
 * may pick that backend by itself on this machine), and removes the record after a failure.
 * A script entry point (it prints); the library is `runConformance`.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backendIdentity, removeConformanceRecord, writeConformanceRecord } from '../backend/conformance-record';
import { describeBackend } from '../backend/init-backend';
import { conformanceCases } from './conformance-cases';
import { conformanceSummary, formatConformanceTable } from './format-conformance';
import { runConformance } from './run-conformance';

const usage = `usage: npm run conformance -- --backend NAME [--json OUT] [--only TEXT,...] [--reference cpu] [--no-record]
  --backend NAME   wasm, cpu, tensorflow, tensorflow-gpu or auto (default: $SSLMEM_BACKEND or auto)
  --json OUT       also write the report (rows, backend, timing) as JSON to OUT
  --only LIST      only the cases whose kernel contains one of these texts (comma list)
  --reference B    tfjs backend of the expected values (default cpu)
  --no-record      do not touch the record of passing runs in the cache`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string' },
      reference: { type: 'string', default: 'cpu' },
      'no-record': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const backend = values.backend ?? (process.env.SSLMEM_BACKEND?.trim() || 'auto');
  const only = values.only?.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  const cases = conformanceCases().filter((c) => only === undefined || only.some((t) => c.kernel.toLowerCase().includes(t)));
  process.stderr.write(`conformance: ${cases.length} cases on ${backend} against ${values.reference}...\n`);
  const report = await runConformance({
    backend,
    reference: values.reference,
    cases,
    onRow: (row) => process.stderr.write(`  ${row.ok ? 'ok  ' : 'FAIL'} ${row.kernel} ${row.shape}\n`),
  });
  if (report.info) process.stdout.write(`${describeBackend(report.info)}\n\n`);
  process.stdout.write(`${formatConformanceTable(report)}\n`);
  const pkg = report.info?.package;
  let record: string | undefined;
  if (pkg !== undefined && !values['no-record']) {
    const identity = backendIdentity(pkg);
    if (identity !== undefined) {
      if (report.ok && only === undefined) {
        record = writeConformanceRecord(identity, report.rows.length);
        process.stdout.write(`recorded: ${pkg} ${identity.packageVersion} on ${identity.device} passed (${record}); initBackend() may now pick it by itself\n`);
      } else if (report.ok) {
        process.stdout.write(`not recorded: --only ran ${cases.length} of the ${conformanceCases().length} cases; a record needs them all\n`);
      } else if (removeConformanceRecord(identity)) {
        process.stdout.write(`removed the record of an earlier pass of ${pkg} on ${identity.device}\n`);
      }
    }
  }
  if (values.json !== undefined) {
    const out = resolve(values.json);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ ...report, node: process.version, date: new Date().toISOString(), ...(record ? { record } : {}) }, null, 2)}\n`);
  }
  if (!report.ok) process.stderr.write(`${conformanceSummary(report)}\n`);
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`conformance: ${(error as Error).message}\n${usage}\n`);
    process.exitCode = 2;
  },
);
