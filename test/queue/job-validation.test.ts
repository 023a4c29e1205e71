import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { sidePlan } from '../../src/plans/side-plan';
import { subsetJob } from '../../src/plans/training-job';
import { validateTrainingJob } from '../../src/plans/validate-job';
import { readPlanFile, writePlanFile } from '../../src/plans/plan-file';
import { jobKey } from '../../src/plans/job-key';
import { validateQueuedTraining } from '../../src/queue/queue-job';
import { redactedUrl, redisOptions } from '../../src/queue/redis-url';
import { InputError } from '../../src/util/errors';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-jobs-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const config = preset('quick');
const [f] = sidePlan(config);
const fails = (value: unknown, pattern: RegExp, options = {}) =>
  assert.throws(() => validateTrainingJob(value, 'job', options), (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected ${pattern}`);

describe('training jobs as untrusted data', () => {
  test('plan jobs pass unchanged (the run key is kept)', () => {
    for (const job of [...sidePlan(config), subsetJob(config, [5, 1, 3], 0, 'top 3')]) {
      const checked = validateTrainingJob(JSON.parse(JSON.stringify(job)), 'job');
      assert.deepEqual(checked, JSON.parse(JSON.stringify(job)));
      assert.equal(jobKey(checked), jobKey(job));
    }
  });

  test('hostile or malformed jobs are refused with the field named', () => {
    fails('rm -rf /', /job: expected a training job/);
    fails({ ...f, module: '/tmp/x.js' }, /job\.module: expected only the fields/);
    fails({ ...f, dataset: { name: 'mnist', dir: '/etc' } }, /dataset\.dir: expected no dataset folder/);
    fails({ ...f, dataset: { name: 'mnist', dir: '/data/../etc' } }, /dataset\.dir: expected a folder inside \/data/, { dataRoots: ['/data'] });
    assert.equal(validateTrainingJob({ ...f, dataset: { name: 'mnist', dir: '/data/mnist' } }, 'job', { dataRoots: ['/data'] }).dataset.dir, '/data/mnist');
    fails({ ...f, dataset: { name: 'imagenet' } }, /dataset\.name: expected one of/);
    fails({ ...f, trainSet: { kind: 'ids', ids: [3, 2] } }, /trainSet\.ids\[1\]: expected sorted, distinct/);
    fails({ ...f, trainSet: { kind: 'side', side: 'h' } }, /trainSet: expected/);
    fails({ ...f, seed: 1.5 }, /job\.seed: expected an integer/);
    fails({ ...f, label: '' }, /job\.label/);
    fails({ ...f, train: { ...f.train, epochs: -1 } }, /train\.epochs: expected an integer >= 1/);
    fails({ ...f, objective: { name: 'evil' } }, /objective/);
  });

  test('queued payloads: a run key and a valid job, nothing else', () => {
    const key = jobKey(f);
    assert.equal(validateQueuedTraining({ job: f, key }, 'queued').key, key);
    assert.throws(() => validateQueuedTraining({ job: f, key: '../../etc' }, 'queued'), /queued\.key: expected a run key/);
    assert.throws(() => validateQueuedTraining({ job: f, key, code: 'x' }, 'queued'), /queued\.code: expected only job, key, provenance/);
  });

  test('Redis URLs: password, user, db and TLS; others refused; the password never printed', () => {
    assert.deepEqual(redisOptions('redis://127.0.0.1:6390'), { host: '127.0.0.1', port: 6390 });
    assert.deepEqual(redisOptions('rediss://me:p%40ss@queue.lab:6380/2'), { host: 'queue.lab', port: 6380, username: 'me', password: 'p@ss', db: 2, tls: { servername: 'queue.lab' } });
    assert.throws(() => redisOptions('http://x'), /option --queue: expected a redis:\/\/ or rediss:\/\/ URL/);
    assert.throws(() => redisOptions('not a url'), /expected a Redis URL/);
    assert.equal(redactedUrl('redis://:secret@h:1'), 'redis://:***@h:1');
  });

  test('plan files round-trip; a damaged one is refused', () => {
    const path = join(dir, 'plan.json');
    assert.equal(writePlanFile(path, [...sidePlan(config), ...sidePlan(config)]), 2, 'duplicates once');
    const plan = readPlanFile(path);
    assert.deepEqual(plan.jobs.map((j) => j.key), sidePlan(config).map((j) => jobKey(j)));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, readFileSync(path, 'utf8').replace('"side": "f"', '"side": "x"'));
    assert.throws(() => readPlanFile(bad), /jobs\[0\]\.job\.trainSet: expected/);
    writeFileSync(bad, '{"format": "sslmem-plan/1", "jobs": [');
    assert.throws(() => readPlanFile(bad), /invalid JSON/);
  });
});

describe('sslmem plan --slurm and run-job (built CLI)', () => {
  const cli = resolve('dist/cli/main.js');
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });
  test('the array script is valid bash; run-job trains each job once; score then trains nothing', () => {
    const runs = join(dir, 'runs');
    const planned = run(['plan', '--preset', 'quick', '--epochs', '3', '--out', 'p.json', '--slurm', 'p.sbatch', '--runs', runs]);
    assert.equal(planned.status, 0, planned.stderr);
    const script = readFileSync(join(dir, 'p.sbatch'), 'utf8');
    assert.match(script, /^#SBATCH --array=0-1$/m);
    assert.match(script, /run-job '.*p\.json' "\$SLURM_ARRAY_TASK_ID" --runs '.*runs'/);
    assert.equal(spawnSync('bash', ['-n', join(dir, 'p.sbatch')]).status, 0, 'bash -n');
    for (const i of ['0', '1']) {
      const r = run(['run-job', 'p.json', i, '--runs', runs]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /trained in/);
    }
    assert.match(run(['run-job', 'p.json', '0', '--runs', runs]).stdout, /already in the run store/);
    const outOfRange = run(['run-job', 'p.json', '2', '--runs', runs]);
    assert.equal(outOfRange.status, 1);
    assert.match(outOfRange.stderr, /argument <index>: expected an integer in 0\.\.1/);
    // The task's script form, with SLURM_ARRAY_TASK_ID set, as Slurm runs it.
    const viaScript = spawnSync('bash', [join(dir, 'p.sbatch')], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' } });
    assert.equal(viaScript.status, 0, viaScript.stderr);
    assert.match(viaScript.stdout, /already in the run store/);
    const score = run(['score', '--preset', 'quick', '--epochs', '3', '--runs', runs, '--out', 'scored']);
    assert.equal(score.status, 0, score.stderr);
    assert.match(score.stderr, /all 2 encoders reused/);
  });
});
