import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FindingSettings, Finding, Verdict } from '../../src/findings/finding';
import type { PlanOutcome, Runner } from '../../src/plans/runner';
import type { TrainingJob } from '../../src/plans/training-job';
import { hasRedis, startPrivateRedis, until, type PrivateRedis } from '../queue/private-redis';
import { findingShrink } from './finding-shrink';

// `finding.run` through the queue runner: a private redis-server, one `sslmem worker` process
// and the finding run in this process with the built library (the worker's build, so both
// compute the same run keys). Every stage of the plan goes to the queue as one submission and
// is trained by the worker; the measurements afterwards train nothing.

const names = ['scale', 'frameworks', 'privacy', 'regularizer'];
const dist = (path: string) => require(resolve('dist', path));
const { findingNames, findingNamed } = dist('findings/registry.js') as { findingNames: string[]; findingNamed(name: string): Finding<FindingSettings, unknown> };
const { findingSettings } = dist('cli/finding-settings.js') as { findingSettings(f: Finding<FindingSettings, unknown>, values: Record<string, unknown>): FindingSettings };
const { queueRunner } = dist('queue/queue-runner.js') as { queueRunner(o: { url: string; store: unknown; submitter: string }): Runner };
const { runStore } = dist('runs/run-store.js') as { runStore(root: string): unknown };
const { jobKey } = dist('plans/job-key.js') as { jobKey(job: TrainingJob): string };
const { initBackend } = dist('backend/init-backend.js') as { initBackend(): Promise<unknown> };

const cli = resolve('dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'sslmem-finding-queue-'));
const runs = join(dir, 'runs');
let redis: PrivateRedis | undefined;
let worker: ChildProcess | undefined;
let workerLog = '';

before(async () => {
  if (!hasRedis || !names.some((n) => findingNames.includes(n))) return;
  await initBackend();
  redis = await startPrivateRedis(dir, 'redis', 'finding pass');
  worker = spawn(process.execPath, [cli, 'worker', '--queue', redis.url(), '--runs', runs], { stdio: ['ignore', 'pipe', 'pipe'] });
  worker.stdout!.on('data', (d) => (workerLog += d));
  worker.stderr!.on('data', (d) => (workerLog += d));
  await until('the worker', () => workerLog.includes('serving'));
});

after(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((done) => worker!.once('exit', done));
    worker.kill('SIGTERM');
    await exited;
  }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('finding.run through the queue runner (BullMQ on a local redis-server, one sslmem worker)', { timeout: 60 * 60_000 }, () => {
  for (const name of names) {
    const skip = !hasRedis ? 'redis-server is not installed (apt-get install redis-server)' : findingNames.includes(name) ? false : `finding ${name} is not registered yet`;
    test(`${name}: every stage trained by the worker, nothing trained by the measurements`, { skip, timeout: 30 * 60_000 }, async () => {
      const finding = findingNamed(name);
      const settings = findingSettings(finding, { preset: 'quick', set: [...(findingShrink[name] ?? [])] });
      const queue = queueRunner({ url: redis!.url(), store: runStore(runs), submitter: `test/${name}` });
      const calls: Array<{ jobs: string[]; outcome: PlanOutcome }> = [];
      const runner: Runner = {
        encoders: queue.encoders,
        async run(plan, options) {
          const outcome = await queue.run(plan, options);
          calls.push({ jobs: plan.map(jobKey), outcome });
          return outcome;
        },
      };
      const started = (workerLog.match(/ started /g) ?? []).length;
      const plan = await finding.plan(settings, { runner });
      const study = await finding.run(settings, { runner });
      const stages = (await finding.plan(settings, { runner })).stages;
      assert.ok(stages.length >= plan.stages.length && stages.every((s) => s.jobs !== undefined));
      assert.ok(calls.length >= stages.length, `${calls.length} runner calls for ${stages.length} stage(s)`);
      stages.forEach((stage, i) => assert.deepEqual(calls[i].jobs, stage.jobs!.map(jobKey), `call ${i} is stage ${stage.name}`));
      const trained = calls.slice(0, stages.length).reduce((n, c) => n + c.outcome.trained.length, 0);
      const distinct = new Set(stages.flatMap((s) => s.jobs!.map(jobKey))).size;
      assert.equal(trained + calls.slice(0, stages.length).reduce((n, c) => n + c.outcome.reused, 0), distinct);
      for (const [i, c] of calls.slice(stages.length).entries()) assert.equal(c.outcome.trained.length, 0, `measurement call ${i} trained nothing`);
      assert.equal((workerLog.match(/ started /g) ?? []).length - started, trained, 'the worker trained every job that was missing');
      const verdict: Verdict = finding.verdict(study);
      assert.equal(typeof verdict.holds, 'boolean');
      assert.ok(verdict.parts.length > 0);
      assert.equal(verdict.lines.at(-1), verdict.sentence);
      assert.ok(Object.keys(finding.summary(study)).length > 0, 'summary tables');
    });
  }

  const cliSkip = !hasRedis ? 'redis-server is not installed (apt-get install redis-server)' : findingNames.includes('scale') ? false : 'finding scale is not registered yet';
  test('sslmem finding scale --queue: the command submits the missing trainings to the worker and writes the verdict', { skip: cliSkip, timeout: 15 * 60_000 }, async () => {
    const started = (workerLog.match(/ started /g) ?? []).length;
    const out = join(dir, 'out-scale');
    const child = spawn(process.execPath, [cli, 'finding', 'scale', '--preset', 'quick', '--set', 'train.epochs=3', '--queue', redis!.url(), '--runs', runs, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((done) => child.once('exit', done));
    assert.equal(code, 0, stderr);
    const trained = Number(/training (\d+) encoder\(s\) for 3 epochs with the workers of redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(as submitter /.exec(stderr)?.[1]);
    assert.ok(trained > 0, stderr);
    assert.ok(!stderr.includes('finding pass') && !stdout.includes('finding pass'), 'the password is not printed');
    assert.equal((workerLog.match(/ started /g) ?? []).length - started, trained, 'the worker trained them');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.finding, 'scale');
    assert.equal(summary.settings.config.train.epochs, 3);
    for (const line of summary.verdict.lines) assert.ok(stdout.includes(line), line);
  });
});
