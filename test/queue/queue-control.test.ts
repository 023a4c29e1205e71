import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { initBackend } from '../../src/backend';
import { jobRunConfig } from '../../src/plans/job-key';
import type { TrainingJob } from '../../src/plans/training-job';
import { runKey } from '../../src/runs/run-key';
import { hasRedis, startPrivateRedis, until, type PrivateRedis } from './private-redis';

// A bounded and observable queue, as users meet it: a default worker refuses oversized and
// hostile jobs at once and keeps serving; `sslmem queue status|cancel|clean` list, stop and
// remove jobs; a submitter says when no worker serves and names the (redacted) Redis URL
// when Redis goes away; a key that does not match says which part differs. Against a
// private redis-server (skipped without one), with the built CLI.

const cli = resolve('dist/cli/main.js');
const skip = hasRedis ? false : 'redis-server is not installed (apt-get install redis-server)';
const dir = mkdtempSync(join(tmpdir(), 'sslmem-queue-control-'));
const password = 'control pass';
let redis: PrivateRedis | undefined;
const children: ChildProcess[] = [];
const url = () => redis!.url();

interface Proc {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, out: () => text, exit };
}

function sslmem(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exit;
}

/** The plan file of `sslmem plan` with `args` (each job with its key, and the provenance of the keys). */
function plan(name: string, args: string[]): { provenance: unknown; jobs: Array<{ key: string; job: Record<string, unknown> }> } {
  const file = join(dir, `${name}.json`);
  const r = sslmem(['plan', '--preset', 'quick', '--seeds', '0', '--out', file, ...args]);
  assert.equal(r.status, 0, r.out);
  return JSON.parse(readFileSync(file, 'utf8'));
}

before(async () => {
  // jobRunConfig needs a backend (the arithmetic is part of a key); the keys here are computed with a plan's provenance.
  await initBackend({ backend: 'cpu' });
  if (hasRedis) redis = await startPrivateRedis(dir, 'redis', password);
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a bounded, observable queue', { skip, timeout: 10 * 60_000 }, () => {
  test('with no worker the submitter warns and shows the wait; queue status lists the jobs; cancel (by id, then --all) ends the wait; clean empties the queue', async () => {
    const runs = join(dir, 'runs-idle');
    const sub = start(['train', '--preset', 'quick', '--seeds', '0', '--epochs', '2', '--no-worker-warn-s', '1', '--queue', url(), '--runs', runs, '--out', join(dir, 'idle')]);
    await until('the no-worker warning', () => /warning: no worker has served the queue/.test(sub.out()), 30_000);
    assert.match(sub.out(), /queue: 2 of 2 job\(s\) waiting \(2 in the queue\), 0 running, no worker alive/);
    assert.match(sub.out(), /sslmem queue cancel --submitter \S+\/\d+ --queue redis:\/\/:\*\*\*@127\.0\.0\.1/);
    assert.ok(!sub.out().includes(password), 'the password is not printed');
    const status = sslmem(['queue', 'status', '--queue', url()]);
    assert.equal(status.status, 0, status.out);
    assert.match(status.out, /no worker connected/);
    const rows = status.out.split('\n').filter((l) => l.startsWith('waiting '));
    assert.equal(rows.length, 2, status.out);
    const submitter = /as submitter (\S+)\)/.exec(sub.out())![1];
    for (const row of rows) assert.match(row, new RegExp(`^waiting\\s+[0-9a-f]{12}\\s+[fg] seed 0\\s+${submitter.replace('/', '\\/')}\\s`), row);
    const first = /^waiting\s+([0-9a-f]{12})/.exec(rows[0])![1];
    const one = sslmem(['queue', 'cancel', first, '--queue', url()]);
    assert.equal(one.status, 0, one.out);
    assert.match(one.out, new RegExp(`${first} \\([fg] seed 0\\): removed from the queue`));
    const rest = sslmem(['queue', 'cancel', '--all', '--queue', url()]);
    assert.match(rest.out, /1 job\(s\) cancelled/, rest.out);
    assert.equal(await sub.exit, 1, sub.out());
    assert.match(sub.out(), /2 of 2 training job\(s\) failed/);
    assert.match(sub.out(), /cancelled by sslmem queue cancel on .* before it started/);
    sslmem(['queue', 'clean', '--queue', url()]);
    assert.match(sslmem(['queue', 'status', '--queue', url()]).out, /no jobs/);
  });

  describe('one default worker', () => {
    const runs = join(dir, 'runs-worker');
    const root = join(dir, 'data-root');
    let w: Proc;
    let queue: Queue;
    before(async () => {
      if (!hasRedis) return;
      mkdirSync(join(root, 'empty'), { recursive: true });
      symlinkSync('/etc', join(root, 'etc-link'));
      w = start(['worker', '--queue', url(), '--runs', runs, '--data-root', root, '--lock-ms', '2000', '--stalled-ms', '1000']);
      queue = new Queue('sslmem-train', { connection: redis!.connection() });
      await until('the worker', () => w.out().includes('serving'), 60_000);
    });
    after(async () => {
      if (!hasRedis) return;
      await queue.close();
      await stop(w);
    });

    const failed = async (id: string) => {
      await until(`job ${id.slice(0, 12)} to fail`, async () => (await queue.getJob(id))?.failedReason !== undefined, 60_000);
      return (await queue.getJob(id))!;
    };

    test('a 1e9-epoch job (with its matching key) and a 10,000-character label are refused at once; 20,000 epochs are refused naming --max-epochs; the worker serves the next job', async () => {
      // As a hostile or careless submitter would queue it: a planned job with epochs 1e9 and its matching key.
      const { jobs, provenance } = plan('small', ['--epochs', '2']);
      const huge = { ...jobs[0].job, train: { ...(jobs[0].job.train as Record<string, unknown>), epochs: 1e9 } } as unknown as TrainingJob;
      const hugeKey = runKey({ ...jobRunConfig(huge), provenance }, { version: (provenance as { library: string }).library });
      await queue.add('train', { key: hugeKey, provenance, job: huge }, { jobId: hugeKey, attempts: 3 });
      const refused = await failed(hugeKey);
      assert.equal(refused.attemptsMade, 1, 'no retries');
      assert.match(refused.failedReason, /refused it: queued job [0-9a-f]{64}\.job\.train\.epochs: expected .*found 1000000000/);
      // A hostile label: refused, and never printed in full.
      const label = 'x'.repeat(10_000);
      await queue.add('train', { key: jobs[0].key, provenance, job: { ...jobs[0].job, label } }, { jobId: jobs[0].key, attempts: 3 });
      const long = await failed(jobs[0].key);
      assert.equal(long.attemptsMade, 1);
      assert.match(long.failedReason, /\.label: expected/);
      assert.ok(long.failedReason.length < 1000, 'the label is not copied into the reason');
      await long.remove();
      assert.ok(!w.out().includes('x'.repeat(100)), 'the label is cut in the worker output');
      assert.match(w.out(), /x{60}\.\.\.\(10000 characters\)/);
      // Through a submitter: beyond the default limit of 10,000 epochs.
      const big = start(['train', '--preset', 'quick', '--seeds', '0', '--epochs', '20000', '--queue', url(), '--runs', runs, '--out', join(dir, 'big')]);
      assert.equal(await big.exit, 1, big.out());
      assert.match(big.out(), /train\.epochs: expected at most 10000 epochs \(this worker's limit; start it with --max-epochs N to allow more\), found 20000/);
      const next = start(['train', '--preset', 'quick', '--seeds', '0', '--epochs', '2', '--queue', url(), '--runs', runs, '--out', join(dir, 'next')]);
      assert.equal(await next.exit, 0, next.out() + w.out());
      assert.match(next.out(), /worker alive/);
    });

    test('--data-root compares real paths: a link to /etc inside the root is refused; a missing dataset fails once, without retries', async () => {
      const cases = [
        { dir: join(root, 'etc-link'), why: /dataset\.dir: expected a folder inside .* \(symbolic links followed\), found ".*etc-link", which is "\/etc"/ },
        { dir: join(root, 'nothing-here'), why: /dataset\.dir: expected an existing dataset folder .* which does not exist on this worker/ },
        { dir: join(root, 'empty'), why: /worker \S+: \S+empty: expected the file train-images-idx3-ubyte/ },
      ];
      for (const c of cases) {
        const { jobs, provenance } = plan(`data-${c.dir.split('/').pop()}`, ['--epochs', '2', '--data-dir', c.dir]);
        await queue.add('train', { ...jobs[0], provenance }, { jobId: jobs[0].key, attempts: 3, backoff: { type: 'fixed', delay: 100 } });
        const job = await failed(jobs[0].key);
        assert.match(job.failedReason, c.why, job.failedReason);
        assert.equal(job.attemptsMade, 1, `${c.dir}: attempted once (${job.failedReason})`);
      }
    });

    test('a queued job edited after planning: the refusal says the job content differs, not the build', async () => {
      const { jobs, provenance } = plan('edited', ['--epochs', '4']);
      const train = { ...(jobs[0].job.train as Record<string, unknown>), lr: 0.5 };
      await queue.add('train', { key: jobs[0].key, provenance, job: { ...jobs[0].job, train } }, { jobId: jobs[0].key, attempts: 3 });
      const job = await failed(jobs[0].key);
      assert.equal(job.attemptsMade, 1);
      assert.match(job.failedReason, /the job's content differs from what its key was computed from/, job.failedReason);
      assert.doesNotMatch(job.failedReason, /backend computes|library build differs|arithmetic differs/);
      await job.remove();
    });

    test('queue cancel stops a running training and frees the worker: the next job runs', async () => {
      const long = start(['train', '--preset', 'quick', '--seeds', '0', '--epochs', '5000', '--queue', url(), '--runs', runs, '--out', join(dir, 'long')]);
      await until('the long job to run', () => / epoch +\d+\/5000/.test(long.out()), 60_000);
      const status = sslmem(['queue', 'status', '--queue', url()]);
      assert.match(status.out, /1 worker\(s\): \S+\/\d+/, status.out);
      assert.match(status.out, /^active\s+[0-9a-f]{12}\s+[fg] seed 0\s+\S+\/\d+\s+\S+\/\d+\s+\d+\/5000 \(\d+%\)\s+\d/m, status.out);
      assert.match(status.out, /^waiting\s+[0-9a-f]{12}\s+[fg] seed 0\s/m, status.out);
      const submitter = /as submitter (\S+)\)/.exec(long.out())![1];
      const cancel = sslmem(['queue', 'cancel', '--submitter', submitter, '--queue', url()]);
      assert.equal(cancel.status, 0, cancel.out);
      assert.match(cancel.out, /running: its worker stops the training/);
      assert.match(cancel.out, /removed from the queue/);
      assert.equal(await long.exit, 1, long.out());
      assert.match(long.out(), /cancelled by sslmem queue cancel on \S+; worker \S+ stopped its training/);
      // The worker is free: the next job runs to the end on it.
      const next = start(['train', '--preset', 'quick', '--seeds', '1', '--epochs', '2', '--queue', url(), '--runs', runs, '--out', join(dir, 'after-cancel')]);
      assert.equal(await next.exit, 0, next.out() + w.out());
      assert.match(w.out(), /failed [fg] seed 0 \([0-9a-f]{12}\): cancelled by/);
      assert.match(w.out(), /finished g seed 1/);
    });
  });

  test('Redis killed under a waiting submitter: it fails naming the redacted URL', async () => {
    const own = await startPrivateRedis(dir, 'redis-killed', 'secret killed');
    const sub = start(['train', '--preset', 'quick', '--seeds', '0', '--epochs', '2', '--redis-timeout-s', '2', '--queue', own.url(), '--runs', join(dir, 'runs-killed'), '--out', join(dir, 'killed')]);
    await until('the submitter to wait', () => /queue: \d+ of 2 job\(s\) waiting/.test(sub.out()), 30_000);
    await own.stop();
    assert.equal(await sub.exit, 1, sub.out());
    assert.match(sub.out(), new RegExp(`lost the connection to the Redis of the queue sslmem-train on redis://:\\*\\*\\*@127\\.0\\.0\\.1:${own.port}/?: no answer for \\d+ s`), sub.out());
    assert.ok(!sub.out().includes('secret'), 'the password is not printed');
  });
});
