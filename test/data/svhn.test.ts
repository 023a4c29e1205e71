import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMatFile, matVariable } from '../../src/data/mat';
import { decodeSvhnMat, loadSvhn } from '../../src/data/svhn';
import { loadDataset } from '../../src/data/load-dataset';
import { InputError } from '../../src/util/errors';
import { matBytes, svhnX, type MatFileOptions, type MatVariableInput } from './make-mat';
import { tempDir } from './make-files';

// A pixel value that depends on everything, so a misplaced byte shows.
const pixel = (i: number, r: number, c: number, k: number): number => (i * 13 + r * 7 + c * 3 + k * 101) % 251;

function svhnFile(n: number, labels: number[], options: MatFileOptions & { yStorage?: MatVariableInput['storage']; xDims?: number[] } = {}): Uint8Array {
  return matBytes(
    [
      { name: 'X', dims: options.xDims ?? [32, 32, 3, n], storage: 'uint8', values: svhnX(n, pixel) },
      { name: 'y', className: 'double', dims: [labels.length, 1], storage: options.yStorage ?? 'double', values: labels },
    ],
    options,
  );
}

const variants: [string, MatFileOptions][] = [
  ['uncompressed little-endian', {}],
  ['uncompressed big-endian', { bigEndian: true }],
  ['miCOMPRESSED', { compressed: true }],
  ['miCOMPRESSED big-endian', { compressed: true, bigEndian: true }],
];

describe('readMatFile', () => {
  for (const [label, options] of variants) {
    test(`round trip of numeric variables (${label})`, () => {
      const file = readMatFile(
        matBytes(
          [
            { name: 'a', dims: [2, 3], storage: 'double', values: [1.5, -2, 3, 4, 5, 6e10] },
            { name: 'bytes', dims: [1, 5], storage: 'uint8', values: [0, 1, 128, 254, 255] },
            { name: 'ints', className: 'double', dims: [3, 1], storage: 'int32', values: [-7, 0, 2 ** 31 - 1] },
            { name: 'one', className: 'double', dims: [1, 1], storage: 'uint8', values: [9] },
            { name: 'h', dims: [2, 1], storage: 'int16', values: [-300, 300] },
            { name: 'f', dims: [1, 2], storage: 'single', values: [0.5, -8] },
          ],
          options,
        ),
        'm.mat',
      );
      assert.equal(file.littleEndian, !options.bigEndian);
      assert.match(file.header, /^MATLAB 5\.0 MAT-file/);
      assert.deepEqual(file.arrays.map((a) => a.name), ['a', 'bytes', 'ints', 'one', 'h', 'f']);
      const a = matVariable(file, 'a', 'm.mat');
      assert.deepEqual([a.className, a.dims, a.real?.storage, [...(a.real?.values ?? [])]], ['double', [2, 3], 'double', [1.5, -2, 3, 4, 5, 6e10]]);
      assert.deepEqual([...(matVariable(file, 'bytes', 'm').real?.values ?? [])], [0, 1, 128, 254, 255]);
      const ints = matVariable(file, 'ints', 'm');
      assert.deepEqual([ints.className, ints.real?.storage, [...(ints.real?.values ?? [])]], ['double', 'int32', [-7, 0, 2 ** 31 - 1]]);
      // A 1-byte real part is written as a small data element.
      assert.deepEqual([...(matVariable(file, 'one', 'm').real?.values ?? [])], [9]);
      assert.deepEqual([...(matVariable(file, 'h', 'm').real?.values ?? [])], [-300, 300]);
      assert.deepEqual([...(matVariable(file, 'f', 'm').real?.values ?? [])], [0.5, -8]);
      assert.throws(() => matVariable(file, 'z', 'm.mat'), /m\.mat: expected a variable named z, found the variables a, bytes, ints, one, h, f/);
    });
  }

  test('a bad header, a v7.3 version and truncated files are errors naming the file', () => {
    const good = matBytes([{ name: 'X', dims: [1, 4], storage: 'uint8', values: [1, 2, 3, 4] }]);
    assert.throws(() => readMatFile(good.subarray(0, 100), 'f.mat'), /f\.mat: expected a MAT-file of at least 128 bytes \(its header\), found 100 bytes/);
    const text = Uint8Array.from(good);
    text.set(Buffer.from('<html>'), 0);
    assert.throws(() => readMatFile(text, 'f.mat'), /f\.mat: expected a MATLAB level-5 MAT-file .*found header "<html>/);
    const endian = Uint8Array.from(good);
    endian[126] = 0x41;
    assert.throws(() => readMatFile(endian, 'f.mat'), /endian indicator "AM"/);
    assert.throws(
      () => readMatFile(matBytes([], { version: 0x0200 }), 'f.mat'),
      /f\.mat: expected MAT-file version 0x0100 \(level 5\), found version 0x0200 \(a MATLAB 7\.3 HDF5 file/,
    );
    assert.throws(
      () => readMatFile(good.subarray(0, good.length - 9), 'f.mat'),
      (e: unknown) => e instanceof InputError && e.where === 'f.mat at byte 128' && /miMATRIX element, found \d+ bytes left \(truncated\)/.test(e.message),
    );
    assert.throws(() => readMatFile(good.subarray(0, 132), 'f.mat'), /f\.mat at byte 128: expected an 8-byte data element tag, found 4 bytes \(truncated\)/);
  });

  test('a truncated or corrupt compressed element is an error', () => {
    const packed = matBytes([{ name: 'X', dims: [1, 400], storage: 'uint8', values: new Array(400).fill(7) }], { compressed: true });
    assert.throws(() => readMatFile(packed.subarray(0, packed.length - 3), 'c.mat'), /c\.mat at byte 128: expected \d+ data bytes of a miCOMPRESSED element, found \d+ bytes left \(truncated\)/);
    const corrupt = Uint8Array.from(packed);
    corrupt.fill(0xff, 140, 150);
    assert.throws(() => readMatFile(corrupt, 'c.mat'), /c\.mat at byte 128: expected a complete zlib stream .*found a zlib error/);
  });

  test('a real part whose size does not match the dimensions is an error', () => {
    const bytes = matBytes([{ name: 'X', dims: [2, 3], storage: 'uint8', values: [1, 2, 3, 4, 5] }]);
    assert.throws(() => readMatFile(bytes, 'd.mat'), /d\.mat miMATRIX at byte 128, variable X: expected 6 values for dimensions 2x3, found 5 uint8 values/);
  });
});

describe('decodeSvhnMat', () => {
  for (const [label, options] of variants) {
    test(`channels last, label 10 -> 0 (${label})`, () => {
      const { images, labels } = decodeSvhnMat(svhnFile(3, [10, 1, 5], options), 'train_32x32.mat', 3);
      assert.deepEqual([...labels], [0, 1, 5]);
      assert.equal(images.length, 3 * 3072);
      // Known pixels: (row, column, channel) of image i at ((i * 32 + row) * 32 + column) * 3 + channel.
      for (const [i, r, c, k] of [[0, 0, 0, 0], [0, 31, 0, 1], [1, 0, 31, 2], [2, 5, 17, 1], [2, 31, 31, 2]]) {
        assert.equal(images[((i * 32 + r) * 32 + c) * 3 + k], pixel(i, r, c, k), `image ${i} row ${r} column ${c} channel ${k}`);
      }
      for (let i = 0; i < 3; i++)
        for (let r = 0; r < 32; r++)
          for (let c = 0; c < 32; c++)
            for (let k = 0; k < 3; k++) assert.equal(images[((i * 32 + r) * 32 + c) * 3 + k], pixel(i, r, c, k));
    });
  }

  test('labels stored as uint8 or int32 work too', () => {
    assert.deepEqual([...decodeSvhnMat(svhnFile(2, [10, 9], { yStorage: 'uint8' }), 'f').labels], [0, 9]);
    assert.deepEqual([...decodeSvhnMat(svhnFile(2, [3, 10], { yStorage: 'int32', compressed: true }), 'f').labels], [3, 0]);
  });

  test('wrong dimensions, label counts and label values are errors naming the file', () => {
    assert.throws(
      () => decodeSvhnMat(svhnFile(2, [1, 2], { xDims: [32, 32, 6, 1] }), 'test_32x32.mat'),
      /test_32x32\.mat X: expected dimensions 32x32x3xN \(rows, columns, channels, images\), found 32x32x6x1/,
    );
    assert.throws(() => decodeSvhnMat(svhnFile(2, [1, 2, 3]), 'test_32x32.mat'), /test_32x32\.mat y: expected 2 labels \(dimensions 2x1, one per image of X\), found dimensions 3x1/);
    assert.throws(
      () => decodeSvhnMat(svhnFile(3, [1, 0, 2]), 'test_32x32.mat'),
      (e: unknown) => e instanceof InputError && e.where === 'test_32x32.mat y label 1' && /expected a label in 1\.\.10 \(10 stands for digit 0\), found 0/.test(e.message),
    );
    assert.throws(() => decodeSvhnMat(svhnFile(2, [11, 2]), 'f'), /f y label 0: expected a label in 1\.\.10 .*found 11/);
    assert.throws(() => decodeSvhnMat(svhnFile(2, [1.5, 2]), 'f'), /f y label 0: .*found 1\.5/);
    assert.throws(() => decodeSvhnMat(svhnFile(2, [1, 2]), 'train_32x32.mat', 73257), /train_32x32\.mat X: expected 73257 images \(dimensions 32x32x3x73257\), found 2 images/);
    const noY = matBytes([{ name: 'X', dims: [32, 32, 3, 1], storage: 'uint8', values: svhnX(1, pixel) }]);
    assert.throws(() => decodeSvhnMat(noY, 'f.mat'), /f\.mat: expected a variable named y, found the variables X/);
    const truncated = svhnFile(2, [1, 2], { compressed: true });
    assert.throws(() => decodeSvhnMat(truncated.subarray(0, 1000), 'f.mat'), /f\.mat at byte 128: .*\(truncated\)/);
  });
});

describe('loadSvhn', () => {
  test('reads train and test (and extra on request) from a folder; missing files say how to get them', async () => {
    const { dir, cleanup } = tempDir('svhn');
    try {
      await assert.rejects(loadSvhn(join(dir, 'nope')), /nope: expected a folder with the SVHN files .*`npx sslmem download svhn`.*http:\/\/ufldl\.stanford\.edu\/housenumbers\/.*found no such folder/);
      writeFileSync(join(dir, 'train_32x32.mat'), svhnFile(3, [10, 1, 2], { compressed: true }));
      await assert.rejects(loadSvhn(dir, { strict: false }), /test_32x32\.mat: expected the file \(.*\), found no such file/);
      writeFileSync(join(dir, 'test_32x32.mat'), svhnFile(2, [4, 10]));
      await assert.rejects(loadSvhn(dir), /train_32x32\.mat X: expected 73257 images/);
      const pair = await loadSvhn(dir, { strict: false });
      assert.deepEqual([...pair.train.labels], [0, 1, 2]);
      assert.deepEqual([...pair.test.labels], [4, 0]);
      assert.deepEqual(pair.train.shape, [32, 32, 3]);
      assert.equal(pair.train.name, 'svhn');
      assert.equal(pair.test.source, 'test');
      assert.equal(pair.train.numClasses, 10);
      assert.equal(pair.train.classNames?.[0], '0');
      assert.equal(pair.test.images[((1 * 32 + 4) * 32 + 9) * 3 + 2], pixel(1, 4, 9, 2));
      assert.equal(pair.extra, undefined);
      await assert.rejects(loadSvhn(dir, { strict: false, extra: true }), /extra_32x32\.mat: expected the file \(download extra_32x32\.mat from/);
      writeFileSync(join(dir, 'extra_32x32.mat'), svhnFile(1, [7]));
      const withExtra = await loadSvhn(dir, { strict: false, extra: true });
      assert.equal(withExtra.extra?.source, 'extra');
      assert.deepEqual([...(withExtra.extra?.labels ?? [])], [7]);
      const viaRegistry = await loadDataset('svhn', { dir, strict: false, svhnExtra: true });
      assert.equal(viaRegistry.train.labels.length, 3);
      assert.equal((viaRegistry as { extra?: unknown }).extra !== undefined, true);
    } finally {
      cleanup();
    }
  });
});
