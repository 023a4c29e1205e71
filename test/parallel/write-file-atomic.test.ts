import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/parallel';

describe('writeFileAtomic', () => {
  test('writes, overwrites, creates folders and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslmem-atomic-'));
    try {
      const path = join(dir, 'sub', 'out.json');
      writeFileAtomic(path, '{"a":1}');
      assert.equal(readFileSync(path, 'utf8'), '{"a":1}');
      writeFileAtomic(path, new Uint8Array([104, 105]));
      assert.equal(readFileSync(path, 'utf8'), 'hi');
      assert.deepEqual(readdirSync(join(dir, 'sub')), ['out.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('a failed write leaves the old file and no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslmem-atomic-'));
    try {
      const path = join(dir, 'out.txt');
      writeFileAtomic(path, 'old');
      // Renaming onto an existing folder fails: the old content must survive.
      assert.throws(() => writeFileAtomic(dir, 'new'));
      assert.equal(readFileSync(path, 'utf8'), 'old');
      assert.deepEqual(readdirSync(dir), ['out.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
