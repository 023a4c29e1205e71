import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx } from '../../src/data/idx';
import { loadIdxDataset, loadIdxFolder } from '../../src/data/idx-dataset';
import { InputError } from '../../src/util/errors';
import { idxBytes, pattern, tempDir } from './make-files';

describe('readIdx', () => {
  test('reads dims and data of a rank-3 and a rank-1 file', () => {
    const images = readIdx(idxBytes([3, 2, 4], pattern(24)), 'x', { rank: 3, count: 3, itemDims: [2, 4] });
    assert.deepEqual(images.dims, [3, 2, 4]);
    assert.deepEqual([...images.data], [...pattern(24)]);
    const labels = readIdx(idxBytes([5], pattern(5, (i) => 9 - i)), 'y', { rank: 1 });
    assert.deepEqual(labels.dims, [5]);
    assert.deepEqual([...labels.data], [9, 8, 7, 6, 5]);
  });

  test('a truncated file names the file, the expected and the found size', () => {
    const full = idxBytes([60000, 28, 28], new Uint8Array(60000 * 784));
    assert.throws(
      () => readIdx(full.subarray(0, 1000), 'data/x-idx3-ubyte'),
      (e: unknown) =>
        e instanceof InputError &&
        e.message === 'data/x-idx3-ubyte: expected 47040016 bytes for 60000 images of 28x28 (header says 60000), found 1000 bytes',
    );
  });

  test('extra bytes after the data are an error too', () => {
    const bytes = new Uint8Array([...idxBytes([2], pattern(2)), 7]);
    assert.throws(() => readIdx(bytes, 'l'), /l: expected 10 bytes for 2 labels \(header says 2\), found 11 bytes/);
  });

  test('wrong magic, type and rank are reported', () => {
    const good = idxBytes([2, 2, 2], pattern(8));
    const badMagic = Uint8Array.from(good);
    badMagic[0] = 0x1f;
    assert.throws(() => readIdx(badMagic, 'f'), /f: expected an IDX magic number .*found 0x1f000803/);
    assert.throws(() => readIdx(idxBytes([2], pattern(8), 0x0d), 'g'), /type 0x0d \(float\)/);
    assert.throws(() => readIdx(good, 'h', { rank: 1 }), /h: expected magic number 0x00000801 .*found 0x00000803 \(3 dimensions\)/);
    assert.throws(() => readIdx(good, 'i', { itemDims: [28, 28] }), /i: expected items of 28x28, found a header saying 2x2/);
    assert.throws(() => readIdx(good, 'j', { count: 60000 }), /j: expected 60000 images of 2x2, found a header saying 2/);
    assert.throws(() => readIdx(new Uint8Array(2), 'k'), /k: expected an IDX file of at least 4 bytes/);
  });
});

describe('loadIdxDataset', () => {
  test('loads plain and gzip files into an ImageDataset', async () => {
    const { dir, cleanup } = tempDir('idx');
    try {
      const pixels = pattern(4 * 3 * 5, (i) => i * 3);
      writeFileSync(join(dir, 'img'), idxBytes([4, 3, 5], pixels));
      writeFileSync(join(dir, 'lab.gz'), gzipSync(idxBytes([4], Uint8Array.from([2, 0, 1, 2]))));
      const ds = await loadIdxDataset({ imagesPath: join(dir, 'img'), labelsPath: join(dir, 'lab.gz'), name: 't', source: 'train' });
      assert.deepEqual(ds.shape, [3, 5, 1]);
      assert.deepEqual([...ds.labels], [2, 0, 1, 2]);
      assert.equal(ds.numClasses, 3);
      assert.deepEqual([...ds.images], [...pixels]);
      assert.equal(ds.name, 't');
      assert.equal(ds.source, 'train');
    } finally {
      cleanup();
    }
  });

  test('a label count that differs from the image count is an error naming both files', async () => {
    const { dir, cleanup } = tempDir('idx');
    try {
      writeFileSync(join(dir, 'img'), idxBytes([4, 2, 2], pattern(16)));
      writeFileSync(join(dir, 'lab'), idxBytes([3], pattern(3)));
      await assert.rejects(
        loadIdxDataset({ imagesPath: join(dir, 'img'), labelsPath: join(dir, 'lab'), name: 't', source: 'train' }),
        (e: unknown) => e instanceof InputError && e.where === join(dir, 'lab') && /expected 4 labels \(one per image in .*img\), found 3 labels/.test(e.message),
      );
    } finally {
      cleanup();
    }
  });

  test('labels outside [0, numClasses) and missing files are errors', async () => {
    const { dir, cleanup } = tempDir('idx');
    try {
      writeFileSync(join(dir, 'img'), idxBytes([2, 2, 2], pattern(8)));
      writeFileSync(join(dir, 'lab'), idxBytes([2], Uint8Array.from([1, 10])));
      const paths = { imagesPath: join(dir, 'img'), labelsPath: join(dir, 'lab'), name: 't', source: 'train' };
      await assert.rejects(loadIdxDataset({ ...paths, numClasses: 10 }), /lab label 1: expected a class in \[0, 10\), found 10/);
      await assert.rejects(loadIdxDataset({ ...paths, imagesPath: join(dir, 'nope') }), /nope: expected a readable file, found no such file/);
    } finally {
      cleanup();
    }
  });

  test('a truncated gzip file is an error naming it', async () => {
    const { dir, cleanup } = tempDir('idx');
    try {
      const gz = gzipSync(idxBytes([2, 2, 2], pattern(8)));
      writeFileSync(join(dir, 'img.gz'), gz.subarray(0, gz.length - 6));
      writeFileSync(join(dir, 'lab'), idxBytes([2], pattern(2)));
      await assert.rejects(
        loadIdxDataset({ imagesPath: join(dir, 'img.gz'), labelsPath: join(dir, 'lab'), name: 't', source: 'train' }),
        /img\.gz: expected a complete gzip stream/,
      );
    } finally {
      cleanup();
    }
  });
});

describe('loadIdxFolder', () => {
  test('finds the four standard files (gzip or not) and checks expected counts', async () => {
    const { dir, cleanup } = tempDir('idxf');
    try {
      writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxBytes([3, 2, 2], pattern(12))));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], Uint8Array.from([0, 9, 4])));
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([1, 2, 2], pattern(4)));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([1], Uint8Array.from([7]))));
      const pair = await loadIdxFolder(dir, { name: 'fashion-mnist' });
      assert.equal(pair.train.labels.length, 3);
      assert.equal(pair.test.labels.length, 1);
      assert.equal(pair.train.numClasses, 10);
      assert.equal(pair.test.source, 'test');
      await assert.rejects(loadIdxFolder(dir, { name: 'fashion-mnist', expectedCounts: { train: 60000, test: 10000 } }), /expected 60000 images of 2x2, found a header saying 3/);
    } finally {
      cleanup();
    }
  });

  test('a missing folder or file says how to get it', async () => {
    const { dir, cleanup } = tempDir('idxf');
    try {
      await assert.rejects(loadIdxFolder(join(dir, 'none'), { name: 'kmnist', howToGet: 'run X' }), /none: expected a folder with the kmnist IDX files \(run X\), found no such folder/);
      await assert.rejects(loadIdxFolder(dir, { name: 'kmnist', howToGet: 'run X' }), /expected the file train-images-idx3-ubyte or train-images-idx3-ubyte\.gz \(run X\), found no such file/);
    } finally {
      cleanup();
    }
  });
});
