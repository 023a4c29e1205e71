// scripts/gpu-check.sh, the parts that run without a GPU: its syntax, and `run` on wasm
// (no GPU here) writing the JSON report that says what is missing for tfjs-node-gpu.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const script = join(root, 'scripts', 'gpu-check.sh');

describe('scripts/gpu-check.sh', () => {
  const work = mkdtempSync(join(tmpdir(), 'sslmem-gpu-check-test-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('is valid bash and prints its usage', () => {
    assert.equal(spawnSync('bash', ['-n', script]).status, 0);
    const help = spawnSync('bash', [script, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /scripts\/gpu-check.sh pack/);
    assert.match(help.stdout, /scripts\/gpu-check.sh run sslmem-gpu-check.tar.gz/);
    const bad = spawnSync('bash', [script, 'fly'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });

  test('run without a GPU: the report says what is missing, runs the suite and times the steps on wasm', () => {
    const out = join(work, 'report.json');
    const env: NodeJS.ProcessEnv = { ...process.env, SSLMEM_CACHE_DIR: join(work, 'cache'), LD_LIBRARY_PATH: '' };
    const r = spawnSync('bash', [script, 'run', '--backends', 'tensorflow-gpu,wasm', '--only', 'MatMul (dense forward),Softmax', '--encoders', 'mlp', '--steps', '1', '--out', out], {
      encoding: 'utf8',
      timeout: 300_000,
      env,
      cwd: work,
    });
    assert.equal(r.status, 3, `a GPU backend asked for did not load:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /MISSING for @tensorflow\/tfjs-node-gpu \(libtensorflow 2\.9 needs CUDA 11\.2 and cuDNN 8\.1\): .*libcudart\.so\.11\.0/);
    assert.match(r.stdout, /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(r.stdout, /a GPU backend asked for did NOT load/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.gpu.ok, false);
    assert.ok(report.cuda.missing.some((m: string) => m.startsWith('libcudnn.so.8')));
    assert.equal(report.backends['tensorflow-gpu'].probe.loads, false);
    assert.equal(report.backends.wasm.conformance.ok, true);
    assert.deepEqual(report.backends.wasm.conformance.rows.map((row: { kernel: string }) => row.kernel), ['MatMul (dense forward)', 'Softmax + grad', 'numTensors flat']);
    assert.ok(existsSync(report.backends.wasm.conformance.json));
    assert.equal(report.steps.length, 1);
    assert.equal(report.steps[0].backend, 'wasm');
    assert.equal(report.steps[0].encoder, 'mlp');
    assert.ok(report.steps[0].ms > 0);
    assert.deepEqual(report.verdict, { gpuBackendsAsked: ['tensorflow-gpu'], gpuBackendsLoaded: [], gpuUsed: [], suiteFailed: [], ok: false });
  });
});
