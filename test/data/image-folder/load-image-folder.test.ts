import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImageFolder } from '../../../src/data/image-folder/load-image-folder';
import { encodeImage, makeTwoClassFolder, put } from './make-image-folder';

let root: string;
const colour = (x: number, y: number) => [x * 10, y * 10, 128];

describe('loadImageFolder', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-folder-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('class subfolders: labels by sorted folder name, a seeded held-out share of each class, files named per id', () => {
    const dir = join(root, 'classes');
    makeTwoClassFolder(dir, { perClass: 10 });
    const a = loadImageFolder({ name: 'folder', dir, size: [12, 10] }, { cacheDir: join(root, 'cache') });
    assert.deepEqual(a.train.classNames, ['blobs', 'stripes']);
    assert.deepEqual(a.train.shape, [12, 10, 3]);
    assert.equal(a.train.images.length, 16 * 12 * 10 * 3);
    assert.equal(a.test.labels.length, 4);
    assert.deepEqual([...a.test.labels].sort(), [0, 0, 1, 1], 'two of each class of 10 held out (0.2)');
    assert.equal(a.listing.testFrom, 'held-out');
    a.train.files?.forEach((f, i) => assert.equal(f.startsWith(a.train.labels[i] === 0 ? 'blobs/' : 'stripes/'), true));
    const again = loadImageFolder({ name: 'folder', dir, size: [12, 10] }, { cacheDir: join(root, 'cache-2') });
    assert.deepEqual(again.test.files, a.test.files, 'same seed, same held-out images');
    const more = loadImageFolder({ name: 'folder', dir, size: [12, 10], heldOut: 0.5 }, { cacheDir: join(root, 'cache') });
    assert.equal(more.test.labels.length, 10);
  });

  test('a flat folder has no labels (one class, no names) and a test/ folder is the test split', () => {
    const dir = join(root, 'flat');
    for (let i = 0; i < 6; i++) put(dir, `${i}.jpg`, encodeImage('jpeg', 9, 9, colour));
    put(dir, 'test/t0.png', encodeImage('png', 9, 9, colour));
    const pair = loadImageFolder({ name: 'folder', dir }, { cacheDir: join(root, 'cache') });
    assert.equal(pair.train.numClasses, 1);
    assert.equal(pair.train.classNames, undefined);
    assert.equal(pair.listing.classNames, undefined);
    assert.equal(pair.train.labels.length, 6);
    assert.deepEqual(pair.test.files, ['test/t0.png']);
    assert.deepEqual(pair.train.shape, [32, 32, 3], 'default size 32x32');
  });

  test('the decode cache: a second load decodes nothing; a changed file is decoded again and changes the digest', () => {
    const dir = join(root, 'cached');
    makeTwoClassFolder(dir, { perClass: 6 });
    const cacheDir = join(root, 'cache-3');
    const first = loadImageFolder({ name: 'folder', dir, size: [8, 8] }, { cacheDir });
    assert.equal(first.read.decoded, 12);
    assert.ok(existsSync(`${first.read.cache}.json`) && existsSync(`${first.read.cache}.bin`));
    assert.equal(statSync(`${first.read.cache}.bin`).size, 12 * 8 * 8 * 3);
    const second = loadImageFolder({ name: 'folder', dir, size: [8, 8] }, { cacheDir });
    assert.deepEqual([second.read.decoded, second.read.fromCache], [0, 12]);
    assert.deepEqual(second.train.images, first.train.images);
    put(dir, 'blobs/0002.png', encodeImage('png', 20, 20, (x) => [x * 12, 0, 0]));
    const third = loadImageFolder({ name: 'folder', dir, size: [8, 8] }, { cacheDir });
    assert.deepEqual([third.read.decoded, third.read.fromCache], [1, 11]);
    assert.notEqual(third.listing.digest, first.listing.digest);
    assert.throws(() => loadImageFolder({ name: 'folder', dir, size: [8, 8] }, { cacheDir, digest: first.listing.digest }), /a folder that changed since/);
    const otherSize = loadImageFolder({ name: 'folder', dir, size: [6, 6] }, { cacheDir });
    assert.equal(otherSize.read.decoded, 12, 'another size is another cache');
  });
});
