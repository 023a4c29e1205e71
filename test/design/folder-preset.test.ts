import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { folderPreset } from '../../src/design/folder-preset';
import { withOverrides } from '../../src/design/experiment-config';
import { datasetRequest } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { jobKey } from '../../src/plans/job-key';
import { sidePlan } from '../../src/plans/side-plan';
import { encodeImage, makeTwoClassFolder, put } from '../data/image-folder/make-image-folder';

let root: string;
let colourDir: string;

describe('folderPreset and image folders in configs', () => {
  before(async () => {
    await initBackend();
    root = mkdtempSync(join(tmpdir(), 'sslmem-folder-preset-'));
    colourDir = join(root, 'colour');
    makeTwoClassFolder(colourDir, { perClass: 50 });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a colour folder gets the natural-image family, sizes cut to its 80 training and 20 test images', () => {
    const config = folderPreset('quick', { name: 'folder', dir: colourDir });
    assert.equal(config.encoder.kind, 'resnet');
    assert.deepEqual(config.augment, { preset: 'natural' });
    assert.deepEqual(config.dataset, { name: 'folder', dir: colourDir });
    assert.equal(config.split.trainSize, 80);
    assert.equal(config.split.extraSize, 20);
    assert.deepEqual([config.probe.trainSize, config.probe.testSize], [80, 20]);
    assert.ok(config.train.batchSize <= 0.2 * 80 + 0.4 * 80);
  });

  test('a grey folder gets the digits family (MLP, digits augmentation)', () => {
    const dir = join(root, 'grey');
    for (const cls of ['x', 'y']) for (let i = 0; i < 10; i++) put(dir, `${cls}/${i}.png`, encodeImage('png', 10, 10, (a, b) => [(a * b * (i + 1)) % 256, 0, 0], { grey: true }));
    const config = folderPreset('quick', { name: 'folder', dir, size: [10, 10] });
    assert.equal(config.encoder.kind, 'mlp');
    assert.deepEqual(config.augment, { preset: 'digits' });
    assert.equal(config.split.trainSize, 16);
  });

  test('a folder too small for any split is refused, naming how many images it has and needs', () => {
    const dir = join(root, 'tiny');
    for (let i = 0; i < 6; i++) put(dir, `only/${i}.png`, encodeImage('png', 8, 8, () => [i, i, i]));
    assert.throws(() => folderPreset('quick', { name: 'folder', dir }), /at least 10 training images and 1 test image .*found 5 training and 1 test image\(s\)/);
  });

  test('a split larger than the folder names the folder and its counts', () => {
    const config = folderPreset('quick', { name: 'folder', dir: colourDir });
    assert.throws(() => withOverrides(config, { split: { trainSize: 200 } }), new RegExp(`split\\.trainSize: expected at most 80 \\(the train split of the image folder ${colourDir} \\(80 training and 20 test images\\)\\), found 200`));
  });

  test('dataset fields are checked: size, channels, heldOut only for folders, and valid', () => {
    const config = folderPreset('quick', { name: 'folder', dir: colourDir });
    assert.throws(() => withOverrides(config, { dataset: { size: [2, 2] } }), /dataset\.size: expected \[height, width\], integers in 4\.\.1024/);
    assert.throws(() => withOverrides(config, { dataset: { channels: 2 } }), /dataset\.channels: expected 1 \(grey\) or 3 \(RGB\)/);
    assert.throws(() => withOverrides(config, { dataset: { heldOut: 1 } }), /dataset\.heldOut: expected a share in \(0, 1\)/);
    assert.throws(() => withOverrides(preset('quick'), { dataset: { size: [8, 8] } }), /dataset\.size: expected no size \(only an image folder/);
    assert.throws(() => withOverrides(preset('quick'), { dataset: { name: 'folder' } }), /dataset\.dir: expected the image folder/);
  });

  test('supervised training on a flat folder is refused: it needs labels', () => {
    const dir = join(root, 'flat');
    for (let i = 0; i < 20; i++) put(dir, `${i}.png`, encodeImage('png', 8, 8, () => [i * 9, 0, 0]));
    const config = folderPreset('quick', { name: 'folder', dir });
    assert.throws(() => withOverrides(config, { objective: { name: 'supervised' } }), /supervised training needs labels/);
  });

  test("a job's dataset carries the folder's digest: any changed file changes the run keys", () => {
    const dir = join(root, 'keyed');
    makeTwoClassFolder(dir, { perClass: 10 });
    const config = folderPreset('quick', { name: 'folder', dir });
    const request = datasetRequest(config);
    assert.match(request.digest ?? '', /^[0-9a-f]{64}$/);
    const before = sidePlan(config).map(jobKey);
    put(dir, 'blobs/0003.jpg', encodeImage('jpeg', 20, 20, () => [1, 2, 3]));
    const after = sidePlan(config).map(jobKey);
    assert.notEqual(datasetRequest(config).digest, request.digest);
    assert.ok(before.every((k, i) => k !== after[i]));
  });
});
