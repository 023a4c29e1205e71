import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStl10Images, decodeStl10Labels, loadStl10 } from '../../src/data/stl10';
import { stlBytes, tempDir } from './make-files';

const pixel = (i: number, c: number, y: number, x: number): number => (i * 11 + c * 37 + y * 3 + x * 7) % 253;

describe('STL-10 binary', () => {
  test('column-major planes become row-major channels-last: (c, y, x) lands at (y*96+x)*3+c', () => {
    const bytes = stlBytes(2, pixel);
    // The file itself: byte c*9216 + x*96 + y is channel c, row y, column x.
    assert.equal(bytes[27648 + 2 * 9216 + 70 * 96 + 5], pixel(1, 2, 5, 70));
    const images = decodeStl10Images(bytes, 'train_X.bin');
    for (const [i, c, y, x] of [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [1, 2, 5, 70], [1, 1, 95, 3]]) {
      assert.equal(images[i * 27648 + (y * 96 + x) * 3 + c], pixel(i, c, y, x), `i${i} c${c} y${y} x${x}`);
    }
    assert.throws(() => decodeStl10Images(bytes.subarray(0, 27648 + 5), 'train_X.bin'), /train_X\.bin: expected a non-empty multiple of 27648 bytes .*found 27653 bytes/);
    assert.throws(() => decodeStl10Images(bytes, 'train_X.bin', 5000), /expected 138240000 bytes for 5000 images of 96x96x3, found 55296 bytes/);
  });

  test('labels 1..10 become 0..9; 0, 11 and wrong counts are errors', () => {
    assert.deepEqual([...decodeStl10Labels(Uint8Array.from([1, 10, 5]), 'y', 3)], [0, 9, 4]);
    assert.throws(() => decodeStl10Labels(Uint8Array.from([1, 0]), 'y', 2), /y label 1: expected a class in 1\.\.10, found 0/);
    assert.throws(() => decodeStl10Labels(Uint8Array.from([11]), 'y', 1), /found 11/);
    assert.throws(() => decodeStl10Labels(Uint8Array.from([1, 2]), 'train_y.bin', 3), /train_y\.bin: expected 3 labels \(one byte per image\), found 2 bytes/);
  });

  test('loadStl10 reads train, test and (a prefix of) unlabeled from a folder', async () => {
    const { dir, cleanup } = tempDir('stl10');
    try {
      writeFileSync(join(dir, 'train_X.bin'), stlBytes(3, pixel));
      writeFileSync(join(dir, 'train_y.bin'), Uint8Array.from([1, 2, 10]));
      writeFileSync(join(dir, 'test_X.bin'), stlBytes(1, pixel));
      writeFileSync(join(dir, 'test_y.bin'), Uint8Array.from([7]));
      writeFileSync(join(dir, 'unlabeled_X.bin'), stlBytes(3, (i, c, y, x) => pixel(i + 100, c, y, x)));
      await assert.rejects(loadStl10(dir), /expected 138240000 bytes for 5000 images/);
      const pair = await loadStl10(dir, { strict: false, unlabeled: 2 });
      assert.deepEqual([...pair.train.labels], [0, 1, 9]);
      assert.deepEqual([...pair.test.labels], [6]);
      assert.deepEqual(pair.train.shape, [96, 96, 3]);
      assert.equal(pair.train.classNames?.[7], 'monkey');
      assert.equal(pair.train.images[2 * 27648 + (40 * 96 + 90) * 3 + 1], pixel(2, 1, 40, 90));
      assert.ok(pair.unlabeled !== undefined);
      assert.equal(pair.unlabeled.labels.length, 2);
      assert.deepEqual([...pair.unlabeled.labels], [-1, -1]);
      assert.equal(pair.unlabeled.images[1 * 27648 + (3 * 96 + 4) * 3 + 2], pixel(101, 2, 3, 4));
      const without = await loadStl10(dir, { strict: false });
      assert.equal(without.unlabeled, undefined);
      await assert.rejects(loadStl10(join(dir, 'none')), /none: expected a folder with the STL-10 binary files .*npx sslmem download stl10/);
    } finally {
      cleanup();
    }
  });
});
