import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDataOption } from '../../src/cli/data-option';
import { resolveExperimentConfig } from '../../src/cli/experiment-options';
import { folderPreset } from '../../src/design/folder-preset';
import { makeTwoClassFolder } from '../data/image-folder/make-image-folder';

let root: string;
let images: string;

describe('--data folder:PATH', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-data-option-'));
    images = join(root, 'images');
    makeTwoClassFolder(images, { perClass: 40 });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('parseDataOption reads folder:PATH and dataset names, and says what it takes', () => {
    assert.deepEqual(parseDataOption('folder:/data/photos'), { name: 'folder', dir: '/data/photos' });
    assert.deepEqual(parseDataOption('folder:photos'), { name: 'folder', dir: join(process.cwd(), 'photos') });
    assert.deepEqual(parseDataOption('cifar10'), { name: 'cifar10' });
    assert.throws(() => parseDataOption('folder:'), /option --data: expected folder:PATH/);
    assert.throws(() => parseDataOption('photos'), /option --data: expected folder:PATH \(an image folder\) or a dataset name/);
  });

  test('--data folder:PATH and --set dataset.name=folder --set dataset.dir=PATH give the folder preset, scaled', () => {
    const a = resolveExperimentConfig({ preset: 'quick', data: `folder:${images}` });
    const b = resolveExperimentConfig({ preset: 'quick', set: ['dataset.name=folder', `dataset.dir=${images}`] });
    assert.deepEqual(a, folderPreset('quick', { name: 'folder', dir: images }));
    assert.deepEqual(b, a);
    assert.equal(a.split.trainSize, 64);
    const sized = resolveExperimentConfig({ preset: 'quick', data: `folder:${images}`, set: ['dataset.size=[16,16]', 'dataset.channels=1'] });
    assert.deepEqual(sized.dataset, { name: 'folder', dir: images, size: [16, 16], channels: 1 });
    assert.equal(sized.encoder.kind, 'mlp', 'one channel: the digits family');
    assert.throws(() => resolveExperimentConfig({ set: ['dataset.name=folder'] }), /dataset\.dir: expected the image folder/);
  });
});
