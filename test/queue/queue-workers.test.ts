import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { readCheckpoint } from '../../src/train/checkpoint';
import { hasRedis, startPrivateRedis, until, type PrivateRedis } from './private-redis';

// The queue runner end to end, as users run it: a private redis-server on a free loopback
// port (with a password), `sslmem worker` processes and `sslmem score|train --queue` from the
// built CLI (npm test builds it). Skipped without redis-server (`apt-get install redis-server`;
// .ci/run installs it).

const cli = resolve('dist/cli/main.js');
const skip = hasRedis ? false : 'redis-server is not installed (apt-get install redis-server)';
const dir = mkdtempSync(join(tmpdir(), 'sslmem-queue-'));
const password = 'test-pass word';
let redis: PrivateRedis | undefined;
let port = 0;
const children: ChildProcess[] = [];

const url = () => redis!.url();
const connection = () => redis!.connection();

interface Proc {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, out: () => text, exit };
}

function worker(runs: string, name: string, extra: string[] = []): Proc {
  const w = start(['worker', '--queue', url(), '--runs', runs, '--lock-ms', '2000', '--stalled-ms', '1000', ...extra]);
  (w as Proc & { name: string }).name = name;
  return w;
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exit;
}

before(async () => {
  if (!hasRedis) return;
  redis = await startPrivateRedis(dir, 'redis', password);
  port = redis.port;
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('training on queue workers (BullMQ on a local redis-server)', { skip, timeout: 10 * 60_000 }, () => {
  test('two workers and score --queue give scores.csv byte-identical to the local runner', async (t) => {
    const runs = join(dir, 'runs-two');
    const workers = [worker(runs, 'a'), worker(runs, 'b')];
    t.after(() => Promise.all(workers.map(stop)));
    await until('two workers', () => workers.every((w) => w.out().includes('serving')));
    const sub = start(['score', '--preset', 'quick', '--seeds', '0,1', '--queue', url(), '--runs', runs, '--out', join(dir, 'queued')]);
    assert.equal(await sub.exit, 0, sub.out());
    assert.match(sub.out(), /training 4 encoder\(s\) for 30 epochs with the workers of redis:\/\/:\*\*\*@127\.0\.0\.1/);
    assert.ok(!sub.out().includes(password), 'the password is not printed');
    const local = spawnSync(process.execPath, [cli, 'score', '--preset', 'quick', '--seeds', '0,1', '--runs', join(dir, 'runs-local'), '--out', join(dir, 'local'), '--quiet'], { encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);
    assert.deepEqual(readFileSync(join(dir, 'queued', 'scores.csv')), readFileSync(join(dir, 'local', 'scores.csv')));
    const started = workers.map((w) => (w.out().match(/ started /g) ?? []).length);
    assert.equal(started[0] + started[1], 4, workers.map((w) => w.out()).join('\n'));
    assert.ok(started.every((n) => n >= 1), `both workers trained: ${started}`);
    // A second submitter of the same plan queues nothing and trains nothing.
    const again = start(['score', '--preset', 'quick', '--seeds', '0,1', '--queue', url(), '--runs', runs, '--out', join(dir, 'queued-again')]);
    assert.equal(await again.exit, 0, again.out());
    assert.match(again.out(), /scores reused from the run store/);
    assert.doesNotMatch(again.out(), /training \d+ encoder/);
    await Promise.all(workers.map(stop));
  });

  test('a worker killed with SIGKILL mid-job: another takes the job up from its checkpoint; one result, identical to an uninterrupted run', async (t) => {
    const runs = join(dir, 'runs-kill');
    const args = ['--preset', 'quick', '--seeds', '0', '--epochs', '150', '--set', 'train.checkpointEpochs=[10,20,30,40,50,60,70,80,90,100]'];
    const a = worker(runs, 'a');
    t.after(() => stop(a));
    await until('worker a', () => a.out().includes('serving'));
    const sub = start(['train', ...args, '--queue', url(), '--runs', runs, '--out', join(dir, 'killed')]);
    const work = join(runs, 'encoder');
    await until('a first checkpoint of the running job', () => existsSync(work) && readdirSync(work).some((d) => d.endsWith('.work') && readdirSync(join(work, d)).some((f) => f.startsWith('epoch-') && f.endsWith('.safetensors'))));
    a.child.kill('SIGKILL');
    await a.exit;
    const b = worker(runs, 'b');
    t.after(() => stop(b));
    assert.equal(await sub.exit, 0, `${sub.out()}\n--- worker a\n${a.out()}\n--- worker b\n${b.out()}`);
    assert.match(b.out(), / started f seed 0 /, b.out());
    const local = spawnSync(process.execPath, [cli, 'train', ...args, '--runs', join(dir, 'runs-kill-local'), '--out', join(dir, 'killed-local'), '--quiet'], { encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);
    const finished = (root: string) => readdirSync(join(root, 'encoder')).filter((d) => !d.endsWith('.work') && !d.startsWith('.')).sort();
    assert.deepEqual(finished(runs), finished(join(dir, 'runs-kill-local')), 'the same run keys, each stored once');
    for (const key of finished(runs)) {
      const last = (root: string) => readCheckpoint(join(root, 'encoder', key, 'checkpoints', 'epoch-0150.safetensors'));
      const [resumed, straight] = [await last(runs), await last(join(dir, 'runs-kill-local'))];
      assert.deepEqual(Object.keys(resumed.arrays), Object.keys(straight.arrays));
      for (const name of Object.keys(straight.arrays)) assert.deepEqual(resumed.arrays[name].data, straight.arrays[name].data, `run ${key.slice(0, 12)}: ${name} bit-identical`);
      assert.deepEqual(resumed.history.map((h) => h.loss), straight.history.map((h) => h.loss), 'the same loss in every epoch');
      const history = readFileSync(join(runs, 'encoder', key, 'history.csv'), 'utf8').trim().split('\n').slice(1);
      assert.equal(history.length, 150, 'every epoch once');
    }
    await stop(b);
    const orphans = spawnSync('pgrep', ['-f', 'queue/train-child'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(orphans, '', 'no training process outlives its worker');
  });

  test('malformed and hostile jobs fail at once with a clear error; the worker keeps serving', async (t) => {
    const runs = join(dir, 'runs-bad');
    const w = worker(runs, 'w');
    t.after(() => stop(w));
    await until('worker', () => w.out().includes('serving'));
    const queue = new Queue('sslmem-train', { connection: connection() });
    try {
      const key = 'a'.repeat(64);
      const bad = [
        { name: 'not an object', data: 'rm -rf /', id: 'b'.repeat(64) },
        { name: 'module path', data: { key, job: { label: 'x', module: '/tmp/evil.js' } }, id: key },
        { name: 'dataset outside the store', data: { key: 'c'.repeat(64), job: { label: 'x', dataset: { name: 'mnist', dir: '/etc' }, split: {}, trainSet: { kind: 'side', side: 'f' }, encoder: {}, objective: {}, augment: {}, train: {}, seed: 0 } }, id: 'c'.repeat(64) },
      ];
      for (const b of bad) await queue.add('train', b.data, { jobId: b.id, attempts: 3 });
      for (const b of bad) {
        await until(`${b.name} to fail`, async () => (await queue.getJob(b.id))?.failedReason !== undefined);
        const job = (await queue.getJob(b.id))!;
        assert.equal(await job.getState(), 'failed', b.name);
        assert.equal(job.attemptsMade, 1, `${b.name}: no retries for a job that can never run`);
        assert.match(job.failedReason, /refused it: queued job .*expected/, `${b.name}: ${job.failedReason}`);
      }
      assert.match((await queue.getJob(key))!.failedReason, /\.module: expected only the fields/);
      assert.match((await queue.getJob('c'.repeat(64)))!.failedReason, /dataset\.dir: expected no dataset folder/);
    } finally {
      await queue.close();
    }
    // Still serving: a real plan completes on the same worker.
    const sub = start(['score', '--preset', 'quick', '--epochs', '3', '--queue', url(), '--runs', runs, '--out', join(dir, 'after-bad')]);
    assert.equal(await sub.exit, 0, sub.out() + w.out());
    await stop(w);
  });

  test('a failing job reports job, worker and message to the submitter', async (t) => {
    const runs = join(dir, 'runs-fail');
    const w = worker(runs, 'w');
    t.after(() => stop(w));
    await until('worker', () => w.out().includes('serving'));
    // lr 1e6 diverges: the trainer stops at the first non-finite loss.
    const sub = start(['train', '--preset', 'quick', '--seeds', '0', '--set', 'train.lr=1000000', '--queue', url(), '--runs', runs, '--out', join(dir, 'fail')]);
    assert.notEqual(await sub.exit, 0);
    assert.match(sub.out(), /failed on the queue sslmem-train/);
    assert.match(sub.out(), /job [fg] seed 0 \(run [0-9a-f]{12}\.\.\.\): worker [^:]+: encoder [fg] seed 0 diverged/, sub.out());
    await stop(w);
  });

  test('a wrong password is a clear error', () => {
    const r = spawnSync(process.execPath, [cli, 'score', '--preset', 'quick', '--queue', `redis://:wrong@127.0.0.1:${port}`, '--runs', join(dir, 'runs-pw'), '--out', join(dir, 'pw')], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /WRONGPASS|invalid username-password|NOAUTH/i, r.stderr);
  });
});
