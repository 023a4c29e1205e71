import { after, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputDir, writeOutputs } from '../../src/cli/write-outputs';
import { InputError } from '../../src/util/errors';
import { sweepOutputs } from '../../src/io/sweep-outputs';
import { collectGarbage } from '../../src/runs/run-maintenance';
import { runStore } from '../../src/runs/run-store';
import { StorageError } from '../../src/util/storage-error';

const fs = require('node:fs') as typeof import('node:fs');

/** The files of a folder and their text, hidden ones included. */
function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

/** Folders beside `dir` that an output write left (`.NAME.new-*`, `.NAME.ready-*`, `.NAME.old-*`). */
function siblings(dir: string): string[] {
  const name = dir.split(/[\\/]/).pop()!;
  return readdirSync(join(dir, '..')).filter((n) => n.startsWith(`.${name}.`));
}

const oldSet = { 'config.json': '{"old":true}\n', 'scores.csv': 'old scores\n', 'summary.json': '{"old":true}\n' };
const newSet = { 'config.json': '{"new":true}\n', 'scores.csv': 'new scores\n', 'summary.json': '{"new":true}\n' };

function oldOutputs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(oldSet)) writeFileSync(join(dir, name), text);
}

function killedWrite(dir: string, moment: 'staging' | 'between'): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'write-outputs-killed.ts'), dir, moment], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
}

const root = mkdtempSync(join(tmpdir(), 'sslmem-outputs-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writeOutputs', () => {
  test('writes text, bytes and writer outputs into a new folder, in order', async () => {
    const dir = join(root, 'a', 'b');
    const paths = await writeOutputs(dir, [
      ['x.csv', 'a,b\n1,2\n'],
      ['y.bin', Uint8Array.from([1, 2, 3])],
      ['z.txt', async (path) => writeFileSync(path, 'from a writer')],
    ]);
    assert.deepEqual(paths, [join(dir, 'x.csv'), join(dir, 'y.bin'), join(dir, 'z.txt')]);
    assert.equal(readFileSync(join(dir, 'x.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.deepEqual([...readFileSync(join(dir, 'y.bin'))], [1, 2, 3]);
    assert.equal(readFileSync(join(dir, 'z.txt'), 'utf8'), 'from a writer');
    assert.deepEqual(readdirSync(dir).sort(), ['x.csv', 'y.bin', 'z.txt']);
  });

  test('a failing output leaves no new file, no temporary file, and the old files as they were', async () => {
    const dir = join(root, 'fail');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.csv'), 'old');
    await assert.rejects(
      writeOutputs(dir, [
        ['x.csv', 'new'],
        ['w.txt', 'new'],
        ['bad.bin', async (path) => {
          writeFileSync(path, 'half');
          throw new Error('disk full');
        }],
      ]),
      /disk full/,
    );
    assert.deepEqual(readdirSync(dir), ['x.csv']);
    assert.equal(readFileSync(join(dir, 'x.csv'), 'utf8'), 'old');
  });

  test('checkOutputDir accepts folders and makeable paths, rejects files and read-only places', () => {
    checkOutputDir(root);
    checkOutputDir(join(root, 'not', 'yet'));
    assert.equal(existsSync(join(root, 'not')), false, 'creates nothing');
    const file = join(root, 'file');
    writeFileSync(file, '');
    assert.throws(() => checkOutputDir(join(file, 'sub')), (e: unknown) => e instanceof InputError && e.message.includes('option --out') && e.message.includes('is a file'));
    if (process.getuid?.() !== 0) {
      const locked = join(root, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      assert.throws(() => checkOutputDir(join(locked, 'out')), /is not writable/);
      chmodSync(locked, 0o700);
    }
  });

  test('a set replaces the old set as a whole; other files of the folder stay (linked, not copied)', async () => {
    const dir = join(root, 'whole');
    oldOutputs(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'plots'));
    writeFileSync(join(dir, 'plots', 'a.png'), 'png');
    const inode = statSync(join(dir, 'notes.txt')).ino;
    await writeOutputs(dir, Object.entries(newSet));
    assert.deepEqual(contents(join(dir, 'plots')), { 'a.png': 'png' });
    const { plots: _, ...files } = Object.fromEntries(readdirSync(dir).map((n) => [n, n === 'plots' ? '' : readFileSync(join(dir, n), 'utf8')]));
    assert.deepEqual(files, { ...newSet, 'notes.txt': 'mine' });
    assert.equal(statSync(join(dir, 'notes.txt')).ino, inode);
    assert.deepEqual(siblings(dir), []);
  });

  test('a failure between the renames (old set moved aside) puts the old set back', async () => {
    const dir = join(root, 'between-failure');
    oldOutputs(dir);
    const rename = fs.renameSync;
    const fault = mock.method(fs, 'renameSync', (from: string, to: string) => {
      if (String(from).includes('.ready-')) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
      rename(from, to);
    });
    try {
      await assert.rejects(writeOutputs(dir, Object.entries(newSet)), /EIO: injected/);
    } finally {
      fault.mock.restore();
    }
    assert.deepEqual(contents(dir), oldSet);
    assert.deepEqual(siblings(dir), []);
  });

  test('kill -9 between the renames: the next write (or sweepOutputs) finds a whole set, never a mix', async () => {
    const dir = join(root, 'killed-between');
    oldOutputs(dir);
    killedWrite(dir, 'between');
    assert.equal(existsSync(join(dir, 'scores.csv')) && readFileSync(join(dir, 'scores.csv'), 'utf8') !== oldSet['scores.csv'] && readFileSync(join(dir, 'summary.json'), 'utf8') === oldSet['summary.json'], false, 'no new scores beside the old summary');
    const swept = sweepOutputs(dir);
    assert.deepEqual(swept.map((s) => s.action), ['completed', 'removed']);
    assert.deepEqual(contents(dir), newSet, 'the complete new set was swapped in');
    assert.deepEqual(siblings(dir), []);
  });

  test('kill -9 while the new set is written: the old set stays whole; the next write sweeps the leftovers', async () => {
    const dir = join(root, 'killed-staging');
    oldOutputs(dir);
    killedWrite(dir, 'staging');
    assert.deepEqual(contents(dir), oldSet);
    assert.equal(siblings(dir).length, 1, 'the unfinished staging folder');
    await writeOutputs(dir, [['scores.csv', 'third\n']]);
    assert.deepEqual(contents(dir), { ...oldSet, 'scores.csv': 'third\n' });
    assert.deepEqual(siblings(dir), []);
  });

  test('temporary files of killed writes (.NAME.PID-N.tmp) are removed by the next write and by runs gc --out', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dir = join(root, 'stray');
    oldOutputs(dir);
    writeFileSync(join(dir, `.scores.csv.${dead}-0.tmp`), 'half');
    const store = runStore(join(root, 'stray-runs'));
    const items = collectGarbage(store, { outs: [dir] });
    assert.deepEqual(items.map((i) => i.path), [join(dir, `.scores.csv.${dead}-0.tmp`)]);
    assert.deepEqual(contents(dir), oldSet);
    writeFileSync(join(dir, `.summary.json.${dead}-1.tmp`), 'half');
    await writeOutputs(dir, [['scores.csv', 'x\n']]);
    assert.deepEqual(Object.keys(contents(dir)), ['config.json', 'scores.csv', 'summary.json']);
  });

  test('ENOSPC names the output file and its size; the old set stays', async () => {
    const dir = join(root, 'full');
    oldOutputs(dir);
    const fault = mock.method(fs, 'writeFileSync', () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      await assert.rejects(writeOutputs(dir, [['scores.csv', 'x'.repeat(5000)]]), (e: unknown) => e instanceof StorageError && /could not write output scores\.csv \(5\.0 kB\) to \S*scores\.csv: no space left on the device \(ENOSPC\)/.test(e.message));
    } finally {
      fault.mock.restore();
    }
    assert.deepEqual(contents(dir), oldSet);
    assert.deepEqual(siblings(dir), []);
  });
});
