#!/usr/bin/env node
// Runs every test file under test/ (or those whose path contains one of the arguments)
// with Node's own test runner; TypeScript is loaded through tsx. Tests of the built
// library (dist/) and of the CLI as a process need `npm run build` first (npm test does it).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const filters = process.argv.slice(2);
const files = walk('test')
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${JSON.stringify(filters)} under test/`);
  process.exit(1);
}
// The notebook tests run the real tslab kernel: make sure Jupyter has it (idempotent, quick
// when done; on a fresh clone it installs what is missing, see scripts/setup-jupyter.sh).
if (files.some((f) => f.startsWith(join('test', 'notebook')))) {
  const setup = spawnSync('bash', ['scripts/setup-jupyter.sh'], { stdio: 'inherit' });
  if (setup.status !== 0) console.error('run-tests: scripts/setup-jupyter.sh failed; the notebook tests will say what is missing');
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, SSLMEM_QUIET: process.env.SSLMEM_QUIET ?? '1' } },
);
process.exit(result.status ?? 1);
