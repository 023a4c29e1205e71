import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderPreset } from '../../src/design/folder-preset';
import { sideJob } from '../../src/plans/training-job';
import { validateTrainingJob } from '../../src/plans/validate-job';
import { makeTwoClassFolder } from '../data/image-folder/make-image-folder';

// A queued job may name an image folder only inside the worker's --data-root folders,
// symbolic links followed.

let root: string;

describe('validateTrainingJob with an image folder', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-job-folder-'));
    makeTwoClassFolder(join(root, 'roots', 'photos'), { perClass: 10 });
    makeTwoClassFolder(join(root, 'elsewhere'), { perClass: 10 });
    mkdirSync(join(root, 'roots', 'links'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'roots', 'links', 'escape'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const job = (dir: string) => JSON.parse(JSON.stringify(sideJob(folderPreset('quick', { name: 'folder', dir }), 'f', 0)));

  test('a folder under a root is accepted, with its size, channels, held-out share and digest', () => {
    const value = job(join(root, 'roots', 'photos'));
    value.dataset.size = [16, 16];
    value.dataset.channels = 3;
    const checked = validateTrainingJob(value, 'queued job 1', { dataRoots: [join(root, 'roots')] });
    assert.equal(checked.dataset.name, 'folder');
    assert.match(checked.dataset.digest ?? '', /^[0-9a-f]{64}$/);
  });

  test('a folder outside the roots is refused, and so is a link under a root that leads outside', () => {
    assert.throws(() => validateTrainingJob(job(join(root, 'elsewhere')), 'queued job 2', { dataRoots: [join(root, 'roots')] }), /queued job 2\.dataset\.dir: expected a folder inside/);
    assert.throws(
      () => validateTrainingJob(job(join(root, 'roots', 'links', 'escape')), 'queued job 3', { dataRoots: [join(root, 'roots')] }),
      /queued job 3\.dataset\.dir: expected an existing folder inside .* \(symbolic links followed\)/,
    );
  });

  test('a malformed digest or a digest on a named dataset is refused', () => {
    const value = job(join(root, 'roots', 'photos'));
    value.dataset.digest = 'abc';
    assert.throws(() => validateTrainingJob(value, 'job', { dataRoots: 'any' }), /job\.dataset\.digest: expected an image folder's SHA-256 digest/);
  });
});
