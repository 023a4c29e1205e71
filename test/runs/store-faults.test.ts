import { after, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cached } from '../../src/runs/cached';
import { jsonCodec } from '../../src/runs/run-codec';
import { runKey } from '../../src/runs/run-key';
import { acquireRunLock, readLockHolder, tryRunLock } from '../../src/runs/run-lock';
import { collectGarbage, verifyRuns } from '../../src/runs/run-maintenance';
import { runStore } from '../../src/runs/run-store';
import { checkpointPath, writeCheckpointFile } from '../../src/train/checkpoint-dir';
import { StorageError } from '../../src/util/storage-error';
import { hostTag } from '../../src/util/temp-files';

// The module object the library's `import { writeFileSync } from 'node:fs'` reads at call time, so a test can inject faults.
const fs = require('node:fs') as typeof import('node:fs');

const roots: string[] = [];
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-faults-'));
  roots.push(root);
  return root;
}
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** The id of a process that has exited (so no process has it, for a while). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, write`), { code });
}

const config = { lr: 0.1, seed: 3 };

describe('storing a finished work folder', () => {
  test('put moves the checkpoints (same inode, no second copy) and removes the work folder', async () => {
    const store = runStore(freshRoot());
    const work = store.workDir('encoder', config);
    const path = checkpointPath(work, 5);
    await writeCheckpointFile(path, new Uint8Array(4096).fill(7));
    const inode = statSync(path).ino;
    const run = store.put('encoder', config, { 'history.csv': 'epoch\n1\n' }, { move: { 'checkpoints/epoch-0005.safetensors': { from: path } } });
    assert.equal(statSync(run.path('checkpoints/epoch-0005.safetensors')).ino, inode, 'renamed, not copied');
    assert.equal(existsSync(work), false, 'the work folder is gone');
    assert.deepEqual(run.files, ['checkpoints/epoch-0005.safetensors', 'history.csv']);
    assert.equal(store.check('encoder', runKey(config)), undefined);
  });

  test('a moved file that no longer has its recorded SHA-256 is refused, and the work folder keeps its files', async () => {
    const store = runStore(freshRoot());
    const work = store.workDir('encoder', config);
    const path = checkpointPath(work, 5);
    writeFileSync(path, 'changed');
    assert.throws(
      () => store.put('encoder', config, {}, { move: { 'checkpoints/epoch-0005.safetensors': { from: path, sha256: '0'.repeat(64) } } }),
      /epoch-0005\.safetensors has SHA-256 .* \(damaged since\)/,
    );
    assert.equal(readFileSync(path, 'utf8'), 'changed', 'moved back');
    assert.equal(store.has('encoder', config), false);
  });

  test('ENOSPC while storing names the run folder, what and how much; the moved files go back', async () => {
    const store = runStore(freshRoot());
    const work = store.workDir('encoder', config);
    const path = checkpointPath(work, 5);
    await writeCheckpointFile(path, new Uint8Array(10_800_000));
    const fault = mock.method(fs, 'writeFileSync', (file: unknown) => {
      throw errno(String(file).endsWith('run.json') ? 'ENOSPC' : 'ENOSPC');
    });
    try {
      assert.throws(
        () => store.put('encoder', config, { 'history.csv': 'epoch\n1\n' }, { move: { 'checkpoints/epoch-0005.safetensors': { from: path } } }),
        (e: unknown) =>
          e instanceof StorageError &&
          e.code === 'ENOSPC' &&
          e.message.includes(store.dir('encoder', config)) &&
          /could not write the encoder run \(2 files, 1 moved from its work folder\) \(10\.8 MB\) to .*: no space left on the device \(ENOSPC\)/.test(e.message),
      );
    } finally {
      fault.mock.restore();
    }
    assert.equal(statSync(path).size, 10_800_000, 'the checkpoint is back in the work folder');
    assert.deepEqual(readdirSync(join(store.root, 'encoder')).filter((n) => n.startsWith('.tmp-')), []);
  });

  test('EACCES writing a checkpoint names the file and its size', async () => {
    const dir = join(freshRoot(), 'work');
    mkdirSync(dir);
    const fault = mock.method(fs.promises, 'open', async () => {
      throw errno('EACCES');
    });
    try {
      await assert.rejects(writeCheckpointFile(checkpointPath(dir, 20), new Uint8Array(2000)), /could not write the checkpoint epoch-0020\.safetensors \(2\.0 kB\) to .*epoch-0020\.safetensors: permission denied \(EACCES\)/);
    } finally {
      fault.mock.restore();
    }
  });

  test('cached returns the computed value when the store is full, and warns through the store', async () => {
    const warnings: string[] = [];
    const store = runStore(freshRoot(), { onWarning: (m) => warnings.push(m) });
    const fault = mock.method(fs, 'writeFileSync', () => {
      throw errno('ENOSPC');
    });
    let value: unknown;
    try {
      value = await cached('scores', config, () => ({ mean: 0.25 }), { ...jsonCodec(), store });
    } finally {
      fault.mock.restore();
    }
    assert.deepEqual(value, { mean: 0.25 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not write the scores run .* no space left on the device \(ENOSPC\).*; using the computed value without storing it/);
    assert.equal(store.has('scores', config), false);
  });
});

describe('run locks', () => {
  test('one holder at a time; a waiter is told who holds it and gets it when released', async () => {
    const path = join(freshRoot(), 'encoder', 'a.lock');
    const first = tryRunLock(path, { label: 'f seed 0' });
    assert.ok(first);
    assert.equal(tryRunLock(path), undefined, 'a live holder keeps it');
    const told: string[] = [];
    const waiting = acquireRunLock(path, { pollMs: 20, onWait: (h) => told.push(`${h.label} pid ${h.pid} on ${h.host}`) });
    await new Promise((r) => setTimeout(r, 60));
    first.release();
    const second = await waiting;
    assert.ok(second);
    assert.deepEqual(told, [`f seed 0 pid ${process.pid} on ${hostname()}`]);
    second.release();
    assert.equal(existsSync(path), false);
  });

  test('a lock of a process of this machine that is gone is taken over; one of another machine is honoured until stale', () => {
    const folder = join(freshRoot(), 'encoder');
    mkdirSync(folder);
    const dead = join(folder, 'dead.lock');
    writeFileSync(dead, JSON.stringify({ host: hostname(), hostTag: hostTag(), pid: deadPid(), thread: 0, label: 'x', since: new Date().toISOString() }));
    const taken = tryRunLock(dead);
    assert.ok(taken, 'taken over');
    assert.equal(readLockHolder(dead)?.pid, process.pid);
    taken.release();
    const remote = join(folder, 'remote.lock');
    writeFileSync(remote, JSON.stringify({ host: 'elsewhere', hostTag: 'ffffffff', pid: 1, thread: 0, label: 'x', since: new Date().toISOString() }));
    assert.equal(tryRunLock(remote, { staleMs: 60_000 }), undefined, 'a fresh lock of another machine is honoured');
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(remote, old, old);
    const stale = tryRunLock(remote, { staleMs: 60_000 });
    assert.ok(stale, 'no heartbeat for longer than staleMs: taken over');
    stale.release();
  });

  test('a waiter stops waiting when the result appears (done), without taking the lock', async () => {
    const path = join(freshRoot(), 'k.lock');
    const holder = tryRunLock(path)!;
    let stored = false;
    setTimeout(() => (stored = true), 50);
    assert.equal(await acquireRunLock(path, { pollMs: 10, done: () => stored }), undefined);
    holder.release();
  });
});

describe('runs verify and gc see work folders', () => {
  test('a damaged work checkpoint is reported by verify and removed (with its record) by gc; locks of gone processes too', async () => {
    const store = runStore(freshRoot());
    const work = store.workDir('encoder', config);
    await writeCheckpointFile(checkpointPath(work, 5), new Uint8Array(64).fill(1));
    await writeCheckpointFile(checkpointPath(work, 10), new Uint8Array(64).fill(2));
    assert.deepEqual(verifyRuns(store), [], 'sound work folders are not reported');
    const damaged = checkpointPath(work, 10);
    const bytes = readFileSync(damaged);
    bytes[3] ^= 4;
    writeFileSync(damaged, bytes);
    const reports = verifyRuns(store);
    assert.equal(reports.length, 1);
    assert.equal(reports[0].part, 'work');
    assert.equal(reports[0].state, 'damaged');
    assert.match(reports[0].problem!, /checkpoint epoch-0010\.safetensors: SHA-256 .*changed after the write/);
    const key = runKey(config);
    writeFileSync(join(store.root, 'encoder', `${key}.lock`), JSON.stringify({ host: hostname(), hostTag: hostTag(), pid: deadPid(), thread: 0, label: 'x', since: new Date().toISOString() }));
    const items = collectGarbage(store, { keepStale: true }); // the test config records no provenance
    assert.deepEqual(items.map((i) => i.path).sort(), [damaged, join(store.root, 'encoder', `${key}.lock`)].sort());
    assert.deepEqual(readdirSync(work).sort(), ['config.json', 'epoch-0005.record.json', 'epoch-0005.safetensors'], 'the sound checkpoint stays, to resume from');
    assert.deepEqual(verifyRuns(store), []);
  });

  test('a work folder being trained (its lock held by a live process) is busy: verify does not check it, gc --interrupted keeps it', async () => {
    const store = runStore(freshRoot());
    const work = store.workDir('encoder', config);
    writeFileSync(checkpointPath(work, 5), 'being written');
    const lock = tryRunLock(store.lockPath('encoder', config))!;
    try {
      assert.deepEqual(verifyRuns(store).map((r) => r.state), ['busy']);
      assert.deepEqual(collectGarbage(store, { interrupted: true }), []);
    } finally {
      lock.release();
    }
    assert.deepEqual(collectGarbage(store, { interrupted: true }).map((i) => i.path), [work]);
  });
});
