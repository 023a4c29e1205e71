import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/backend';
import { jobRunConfig } from '../../src/plans/job-key';
import type { TrainingJob } from '../../src/plans/training-job';
import type { RunProvenance } from '../../src/runs/provenance';
import { runKey } from '../../src/runs/run-key';

// `sslmem run-job` with a plan file whose key no longer matches: the refusal names the part
// that differs (the job's content, the library build, the arithmetic). Built CLI.

const cli = resolve('dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'sslmem-run-job-'));
const planPath = join(dir, 'plan.json');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });

interface PlanJson {
  format: string;
  provenance: RunProvenance;
  jobs: Array<{ key: string; job: TrainingJob }>;
}

before(async () => {
  await initBackend({ backend: 'cpu' });
  const r = run(['plan', '--preset', 'quick', '--seeds', '0', '--epochs', '1', '--out', planPath]);
  assert.equal(r.status, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function edited(name: string, change: (plan: PlanJson) => void): string {
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanJson;
  change(plan);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(plan));
  return path;
}

describe('sslmem run-job: a key that does not match says which part differs', () => {
  test('the plan file records the provenance of its keys', () => {
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanJson;
    assert.equal(typeof plan.provenance.library, 'string');
    assert.equal(plan.provenance.code.module, 'plans/train-job-task');
    assert.equal(typeof plan.provenance.arithmetic.backend, 'string');
  });

  test('a job edited after planning: its content is blamed, not the backend or the build', () => {
    const path = edited('content.json', (plan) => {
      plan.jobs[0].job = { ...plan.jobs[0].job, train: { ...plan.jobs[0].job.train, lr: 0.5 } };
    });
    const r = run(['run-job', path, '0', '--runs', join(dir, 'runs')]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /job f seed 0: this machine would store run [0-9a-f]{12}\.\.\., the plan expects [0-9a-f]{12}\.\.\.: the job's content differs from what its key was computed from/);
    assert.doesNotMatch(r.stderr, /backend computes|library build differs|arithmetic differs/);
  });

  test('a plan made under another arithmetic: the arithmetic is blamed, with the backend to use', () => {
    const path = edited('arithmetic.json', (plan) => {
      const provenance = { ...plan.provenance, arithmetic: { backend: 'tensorflow', tfjs: '4.22.0', package: '@tensorflow/tfjs-node' } };
      plan.provenance = provenance;
      // The key that machine computed: the same job content with its provenance.
      plan.jobs[0].key = runKey({ ...jobRunConfig(plan.jobs[0].job), provenance }, { version: provenance.library });
    });
    const r = run(['run-job', path, '0', '--runs', join(dir, 'runs')]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /the job's content is as planned; the arithmetic differs \(.* here, \{"backend":"tensorflow".*where it was planned\): train with --backend tensorflow/);
    assert.doesNotMatch(r.stderr, /library (build|version) differs/);
  });
});
