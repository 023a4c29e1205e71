import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputDir, writeOutputs } from '../../src/cli/write-outputs';
import { InputError } from '../../src/util/errors';

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
});
