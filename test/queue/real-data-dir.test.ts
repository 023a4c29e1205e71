import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRealDataDir } from '../../src/queue/real-data-dir';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-data-root-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('checkRealDataDir: --data-root by real paths', () => {
  test('a folder inside the root passes, also through a link to the root; a link inside the root to /etc, .. and a missing folder are refused', () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'mnist'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync(join(dir, 'outside'), join(root, 'out-link'));
    symlinkSync(root, join(dir, 'root-link'));
    checkRealDataDir(join(root, 'mnist'), [root], 'job.dataset.dir');
    checkRealDataDir(join(dir, 'root-link', 'mnist'), [root], 'job.dataset.dir');
    checkRealDataDir(join(root, 'mnist'), [join(dir, 'root-link')], 'job.dataset.dir');
    assert.throws(() => checkRealDataDir(join(root, 'etc-link'), [root], 'job.dataset.dir'), /job\.dataset\.dir: expected a folder inside .* \(symbolic links followed\), found ".*etc-link", which is "\/etc"/);
    assert.throws(() => checkRealDataDir(join(root, 'out-link'), [root], 'job.dataset.dir'), /which is ".*outside"/);
    assert.throws(() => checkRealDataDir(join(root, '..', 'outside'), [root], 'job.dataset.dir'), /expected a folder inside/);
    assert.throws(() => checkRealDataDir(join(root, 'nothing'), [root], 'job.dataset.dir'), /expected an existing dataset folder inside .* which does not exist on this worker/);
  });
});
