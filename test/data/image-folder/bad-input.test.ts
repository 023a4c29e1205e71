import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImageFolder } from '../../../src/data/image-folder/load-image-folder';
import { scanImageFolder } from '../../../src/data/image-folder/scan-image-folder';
import { InputError } from '../../../src/util/errors';
import { encodeImage, put } from './make-image-folder';

// Every bad input of an image folder is an InputError naming the file (or folder), raised
// while the folder is listed or decoded: before any training.

let root: string;
let n = 0;
const grey = (x: number, y: number) => [(x * 13 + y * 7) % 256, 0, 0];
const colour = (x: number, y: number) => [x * 10, y * 10, 128];

/** A fresh folder with two good classes, each of 3 images. */
function goodFolder(): string {
  const dir = join(root, `case${n++}`);
  for (const cls of ['a', 'b']) for (let i = 0; i < 3; i++) put(dir, `${cls}/${i}.png`, encodeImage('png', 8, 8, colour));
  return dir;
}

function load(dir: string, spec: object = {}) {
  return loadImageFolder({ name: 'folder', dir, size: [8, 8], ...spec }, { cacheDir: join(root, 'cache') });
}

function throwsNaming(fn: () => unknown, path: string, what: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    assert.ok(error.message.includes(path), `the message names ${path}: ${error.message}`);
    assert.match(error.message, what);
    return true;
  });
}

describe('image folder: bad input', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-folder-bad-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a corrupt PNG (damaged data after a sound header) names the file', () => {
    const dir = goodFolder();
    const bytes = encodeImage('png', 8, 8, colour);
    for (let i = 40; i < bytes.length - 12; i++) bytes[i] ^= 0x5a;
    const path = put(dir, 'a/corrupt.png', bytes);
    throwsNaming(() => load(dir), path, /corrupt or truncated/);
  });

  test('a truncated PNG and a truncated JPEG name the file', () => {
    const dir = goodFolder();
    const png = encodeImage('png', 8, 8, colour);
    const path = put(dir, 'a/cut.png', png.subarray(0, png.length - 20));
    throwsNaming(() => load(dir), path, /corrupt or truncated/);
    const dir2 = goodFolder();
    const jpeg = encodeImage('jpeg', 16, 16, colour);
    const path2 = put(dir2, 'b/cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    throwsNaming(() => load(dir2), path2, /corrupt or truncated|cut short/);
    const dir3 = goodFolder();
    const path3 = put(dir3, 'b/header-only.jpg', jpeg.subarray(0, 20));
    throwsNaming(() => load(dir3), path3, /cut short|JPEG/);
  });

  test('a file named like an image that is not one names the file; other files are skipped and counted', () => {
    const dir = goodFolder();
    put(dir, 'a/notes.txt', 'not an image');
    put(dir, 'b/.DS_Store', 'x');
    const pair = load(dir);
    assert.deepEqual(pair.read.skipped, ['a/notes.txt', 'b/.DS_Store']);
    assert.equal(pair.train.labels.length + pair.test.labels.length, 6);
    const path = put(dir, 'b/fake.png', 'hello, I am text');
    throwsNaming(() => load(dir), path, /expected a PNG or JPEG image, found a file of 16 bytes starting 68 65 6c 6c, neither PNG nor JPEG/);
  });

  test('an empty class folder names the folder', () => {
    const dir = goodFolder();
    mkdirSync(join(dir, 'empty'));
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), join(dir, 'empty'), /class folder with at least one PNG or JPEG image, found an empty class folder/);
    put(dir, 'empty/readme.txt', 'only text');
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), join(dir, 'empty'), /empty class folder/);
  });

  test('grey and colour images mixed name a file of each, unless channels is set (then they are converted)', () => {
    const dir = goodFolder();
    put(dir, 'b/grey.png', encodeImage('png', 8, 8, grey, { grey: true }));
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), dir, /1 grey image\(s\) such as b\/grey\.png and 6 colour image\(s\) such as a\/0\.png/);
    const rgb = load(dir, { channels: 3 });
    assert.deepEqual(rgb.train.shape, [8, 8, 3]);
    const mono = load(dir, { channels: 1 });
    assert.deepEqual(mono.train.shape, [8, 8, 1]);
  });

  test('a symbolic link that leaves the folder names the link; one inside it is followed', () => {
    const dir = goodFolder();
    const outside = put(root, `outside${n}/secret.png`, encodeImage('png', 8, 8, colour));
    symlinkSync(join(dir, 'a', '0.png'), join(dir, 'b', 'inside-link.png'));
    assert.equal(load(dir).listing.train.length + load(dir).listing.test.length, 7);
    symlinkSync(outside, join(dir, 'a', 'link.png'));
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), join(dir, 'a', 'link.png'), /symbolic links may not leave it/);
    const dir2 = goodFolder();
    symlinkSync(join(root, 'nowhere'), join(dir2, 'a', 'dangling.png'));
    throwsNaming(() => scanImageFolder({ name: 'folder', dir: dir2 }), join(dir2, 'a', 'dangling.png'), /resolves nowhere/);
  });

  test('a 0-byte file names the file', () => {
    const dir = goodFolder();
    const path = put(dir, 'a/empty.jpg', '');
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), path, /an empty file \(0 bytes\)/);
  });

  test('a huge image is refused from its header, naming the file, before anything is decoded', () => {
    const dir = goodFolder();
    const bytes = encodeImage('png', 8, 8, colour);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(16, 20000);
    view.setUint32(20, 20000);
    const path = put(dir, 'b/huge.png', bytes);
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), path, /at most 40000000 pixels, found 20000x20000 \(400000000 pixels\)/);
  });

  test('an image beside class folders, a test class the train split lacks, a missing folder', () => {
    const dir = goodFolder();
    const loose = put(dir, 'loose.png', encodeImage('png', 8, 8, colour));
    throwsNaming(() => scanImageFolder({ name: 'folder', dir }), loose, /class subfolders only, or images only/);
    const dir2 = goodFolder();
    put(dir2, 'test/zebra/0.png', encodeImage('png', 8, 8, colour));
    throwsNaming(() => scanImageFolder({ name: 'folder', dir: dir2 }), join(dir2, 'test', 'zebra'), /a class folder "zebra" the train split lacks/);
    throwsNaming(() => scanImageFolder({ name: 'folder', dir: join(root, 'no-such') }), 'no-such', /which does not exist/);
  });
});
