// The conformance script as a user runs it (the built dist/conformance/main.js, what
// `npm run conformance` runs), and the trust it grants: a stand-in @tensorflow/tfjs-node
// (cpu kernels under the name `tensorflow`, found through NODE_PATH) is skipped by
// `initBackend()` until it passes the suite here, picked after, and dropped again after a
// failing run.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sslmemVersion, writeConformanceRecord } from '../../src/backend/conformance-record';
import { conformanceCases } from '../../src/conformance';
import { fakeTfjsNodeDir, nodePathWith } from './fake-backends';

const root = resolve(__dirname, '..', '..');
const mainJs = join(root, 'dist', 'conformance', 'main.js');
const only = 'MatMul (dense forward),Softmax,training run: supervised';

describe('npm run conformance (dist/conformance/main.js)', () => {
  const work = mkdtempSync(join(tmpdir(), 'sslmem-conformance-test-'));
  const fake = fakeTfjsNodeDir();
  after(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(resolve(fake, '..'), { recursive: true, force: true });
  });
  const env = (extra: Record<string, string> = {}) => {
    const e: NodeJS.ProcessEnv = { ...process.env, SSLMEM_CACHE_DIR: join(work, 'cache'), SSLMEM_DEVICE: 'test device', ...extra };
    delete e.SSLMEM_BACKEND;
    return e;
  };
  const conformance = (args: string[], extra?: Record<string, string>) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 300_000, env: env(extra) });
  const autoBackend = (extra?: Record<string, string>) => {
    const script = `require(${JSON.stringify(join(root, 'dist', 'backend'))}).initBackend().then((i) => console.log(JSON.stringify(i)))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, env: env(extra) });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { name: string; package?: string; reason: string; conformance?: string };
  };
  const record = join(work, 'cache', 'conformance.json');

  test('--backend wasm --json OUT exits 0, prints the table and writes the rows', () => {
    const out = join(work, 'wasm.json');
    const r = conformance(['--backend', 'wasm', '--only', only, '--json', out]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^tfjs backend: wasm /m);
    assert.match(r.stdout, /kernel\s+shape\s+max error\s+tolerance\s+ok/);
    assert.match(r.stdout, /conformance of wasm against cpu: 4\/4 rows pass/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.backend, 'wasm');
    assert.equal(report.ok, true);
    assert.deepEqual(report.rows.map((row: { kernel: string }) => row.kernel), ['MatMul (dense forward)', 'Softmax + grad', 'training run: supervised', 'numTensors flat']);
    for (const row of report.rows) assert.ok(row.ok && typeof row.maxError === 'number' && row.maxError <= row.tolerance, JSON.stringify(row));
    assert.equal(existsSync(record), false, 'wasm needs no record');
  });

  test('an installed tfjs-node is not picked by itself before it passed the suite here', () => {
    const info = autoBackend({ NODE_PATH: nodePathWith(fake) });
    assert.equal(info.name, 'wasm');
    assert.match(info.reason, /@tensorflow\/tfjs-node installed but not used: it has not passed the conformance suite on this machine \(npm run conformance -- --backend tensorflow\)/);
  });

  test('asked for explicitly, it runs and says it is not verified', () => {
    const script = `const b = require(${JSON.stringify(join(root, 'dist', 'backend'))}); b.initBackend({ backend: 'tensorflow' }).then((i) => console.log(b.describeBackend(i)))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, env: env({ NODE_PATH: nodePathWith(fake) }) });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tfjs backend: tensorflow \(own thread pool\) - tensorflow: @tensorflow\/tfjs-node-gpu not installed; @tensorflow\/tfjs-node loaded; not yet checked by the conformance suite here - NOT VERIFIED: @tensorflow\/tfjs-node has not passed the conformance suite on this machine \(npm run conformance -- --backend tensorflow\)/);
  });

  test('after a passing run it is recorded and auto-selected; a failing run names the kernel and removes the record', () => {
    const partial = conformance(['--backend', 'tensorflow', '--only', only], { NODE_PATH: nodePathWith(fake) });
    assert.equal(partial.status, 0, partial.stderr + partial.stdout);
    assert.match(partial.stdout, /not recorded: --only ran 3 of the \d+ cases; a record needs them all/);
    assert.equal(existsSync(record), false);
    // What a passing run of every case records (the full suite on a cpu-speed backend takes minutes here).
    const identity = { package: '@tensorflow/tfjs-node', packageVersion: '4.22.0', sslmem: sslmemVersion(), device: 'test device' };
    writeConformanceRecord(identity, conformanceCases().length + 1, env());
    const records = JSON.parse(readFileSync(record, 'utf8')).records;
    assert.equal(records.length, 1);
    assert.equal(records[0].package, '@tensorflow/tfjs-node');
    assert.equal(records[0].device, 'test device');
    assert.equal(autoBackend({ NODE_PATH: nodePathWith(fake), SSLMEM_CACHE_DIR: join(work, 'other-cache') }).name, 'wasm', 'SSLMEM_CACHE_DIR moves the records');

    const picked = autoBackend({ NODE_PATH: nodePathWith(fake) });
    assert.equal(picked.name, 'tensorflow');
    assert.equal(picked.package, '@tensorflow/tfjs-node');
    assert.equal(picked.conformance, 'this machine');
    assert.match(picked.reason, /@tensorflow\/tfjs-node passed the conformance suite here on \d{4}-\d\d-\d\d/);
    assert.equal(autoBackend({ NODE_PATH: nodePathWith(fake), SSLMEM_DEVICE: 'another device' }).name, 'wasm', 'the record is per device');

    const fail = conformance(['--backend', 'tensorflow', '--only', only], { NODE_PATH: nodePathWith(fake), FAKE_TFJS_NODE_BAD_MATMUL: '1' });
    assert.equal(fail.status, 1, fail.stdout);
    assert.match(fail.stderr, /FAILED: MatMul \(dense forward\) at \[32,784\] x \[784,512\] \(max error /);
    assert.match(fail.stdout, /MatMul \(dense forward\)\s+\[32,784\] x \[784,512\]\s+\S+\s+1\.0e-4\s+FAIL/);
    assert.match(fail.stdout, /removed the record of an earlier pass of @tensorflow\/tfjs-node on test device/);
    assert.deepEqual(JSON.parse(readFileSync(record, 'utf8')).records, []);
    assert.equal(autoBackend({ NODE_PATH: nodePathWith(fake) }).name, 'wasm');
  });

  test('a bad option exits 2 with the usage', () => {
    const r = conformance(['--backend', 'gpu', '--only', only]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /expected one of auto, tensorflow, tensorflow-gpu, wasm, cpu or a registered tfjs backend, found "gpu"/);
    assert.match(r.stderr, /usage: npm run conformance/);
  });
});
