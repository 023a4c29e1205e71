import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCifar10, loadCifar100, readCifarRecords } from '../../src/data/cifar';
import { InputError } from '../../src/util/errors';
import { cifarBytes, tempDir } from './make-files';

// A pixel value that depends on everything, so a misplaced byte shows.
const pixel = (r: number, c: number, y: number, x: number): number => (r * 7 + c * 31 + y * 5 + x * 3) % 251;

describe('readCifarRecords', () => {
  test('moves channel-major pixels to channels-last: (c, y, x) of record r lands at ((r*32+y)*32+x)*3+c', () => {
    const bytes = cifarBytes([[3], [9]], pixel);
    const { images, labels } = readCifarRecords(bytes, 'b', { labelBytes: 1, labelIndex: 0, numClasses: 10 });
    assert.deepEqual([...labels], [3, 9]);
    for (const [r, c, y, x] of [[0, 0, 0, 0], [0, 2, 31, 31], [1, 1, 5, 17], [1, 2, 30, 1]]) {
      assert.equal(images[((r * 32 + y) * 32 + x) * 3 + c], pixel(r, c, y, x), `r${r} c${c} y${y} x${x}`);
    }
    // Full check against a naive loop.
    for (let r = 0; r < 2; r++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++)
          for (let c = 0; c < 3; c++) assert.equal(images[((r * 32 + y) * 32 + x) * 3 + c], pixel(r, c, y, x));
  });

  test('truncated files, wrong counts and bad labels are errors', () => {
    const layout = { labelBytes: 1 as const, labelIndex: 0, numClasses: 10 };
    const bytes = cifarBytes([[1], [2]], pixel);
    assert.throws(() => readCifarRecords(bytes.subarray(0, 5000), 'data_batch_1.bin', layout), /data_batch_1\.bin: expected a non-empty multiple of 3073 bytes per record \(1 label byte \+ 3072 pixels\), found 5000 bytes/);
    assert.throws(() => readCifarRecords(bytes, 'data_batch_1.bin', layout, 10000), /expected 30730000 bytes for 10000 records of 3073 bytes per record .*found 6146 bytes/);
    const bad = cifarBytes([[1], [12]], pixel);
    assert.throws(() => readCifarRecords(bad, 'f', layout), (e: unknown) => e instanceof InputError && e.where === 'f record 1' && /expected a label in \[0, 10\), found 12/.test(e.message));
  });
});

describe('loadCifar10 / loadCifar100', () => {
  test('CIFAR-10: five train batches in order, then the test batch, from dir or its cifar-10-batches-bin/', async () => {
    const { dir, cleanup } = tempDir('cifar10');
    try {
      const inner = join(dir, 'cifar-10-batches-bin');
      mkdirSync(inner);
      for (let b = 1; b <= 5; b++) {
        writeFileSync(join(inner, `data_batch_${b}.bin`), cifarBytes([[b], [b + 1]], (r, c, y, x) => pixel(r + 10 * b, c, y, x)));
      }
      writeFileSync(join(inner, 'test_batch.bin'), cifarBytes([[0], [9], [4]], pixel));
      await assert.rejects(loadCifar10(dir), /expected 30730000 bytes for 10000 records/);
      const { train, test: testSet } = await loadCifar10(dir, { strict: false });
      assert.equal(train.labels.length, 10);
      assert.deepEqual([...train.labels], [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
      assert.deepEqual([...testSet.labels], [0, 9, 4]);
      assert.deepEqual(train.shape, [32, 32, 3]);
      assert.equal(train.classNames?.[0], 'airplane');
      // Record 1 of batch 3 is train image 5.
      const [y, x, c] = [7, 20, 2];
      assert.equal(train.images[((5 * 32 + y) * 32 + x) * 3 + c], pixel(1 + 30, c, y, x));
    } finally {
      cleanup();
    }
  });

  test('CIFAR-100: fine labels by default, coarse on request, class names from the txt files', async () => {
    const { dir, cleanup } = tempDir('cifar100');
    try {
      writeFileSync(join(dir, 'train.bin'), cifarBytes([[3, 99], [19, 0]], pixel));
      writeFileSync(join(dir, 'test.bin'), cifarBytes([[0, 42]], pixel));
      writeFileSync(join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `super${i}`).join('\n') + '\n\n');
      const fine = await loadCifar100(dir, { strict: false });
      assert.deepEqual([...fine.train.labels], [99, 0]);
      assert.deepEqual([...fine.test.labels], [42]);
      assert.equal(fine.train.numClasses, 100);
      assert.equal(fine.train.classNames, undefined);
      const coarse = await loadCifar100(dir, { strict: false, labels: 'coarse' });
      assert.deepEqual([...coarse.train.labels], [3, 19]);
      assert.equal(coarse.train.numClasses, 20);
      assert.equal(coarse.train.classNames?.[19], 'super19');
      assert.equal(coarse.train.images[((1 * 32 + 2) * 32 + 3) * 3 + 1], pixel(1, 1, 2, 3));
    } finally {
      cleanup();
    }
  });

  test('missing folders and files say how to get the data', async () => {
    const { dir, cleanup } = tempDir('cifar');
    try {
      await assert.rejects(loadCifar10(join(dir, 'absent')), /absent: expected a folder with the CIFAR-10 binary files .*npx sslmem download cifar10.*found no such folder/);
      await assert.rejects(loadCifar100(dir), /expected the CIFAR-100 binary files train\.bin and test\.bin; get them with `npx sslmem download cifar100`.*found no train\.bin in it or in cifar-100-binary\//);
      writeFileSync(join(dir, 'data_batch_1.bin'), cifarBytes([[1]], pixel));
      writeFileSync(join(dir, 'test_batch.bin'), cifarBytes([[1]], pixel));
      await assert.rejects(loadCifar10(dir, { strict: false }), /data_batch_2\.bin: expected the file .*found no such file/);
    } finally {
      cleanup();
    }
  });
});
