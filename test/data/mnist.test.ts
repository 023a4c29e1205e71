import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist, mnistPackageDataDir } from '../../src/data/mnist';
import { datasetSources } from '../../src/data/sources';

describe('loadMnist', () => {
  test('loads 60000 train and 10000 test images of 28x28x1 with the known class counts', async () => {
    const { train, test: testSet } = await loadMnist();
    assert.equal(train.labels.length, 60000);
    assert.equal(testSet.labels.length, 10000);
    assert.deepEqual(train.shape, [28, 28, 1]);
    assert.equal(train.images.length, 60000 * 784);
    assert.equal(testSet.images.length, 10000 * 784);
    assert.equal(train.name, 'mnist');
    assert.equal(train.source, 'train');
    assert.equal(testSet.source, 'test');
    const counts = (labels: Int32Array): number[] => {
      const c = new Array<number>(10).fill(0);
      for (const l of labels) c[l]++;
      return c;
    };
    assert.deepEqual(counts(train.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert.deepEqual(counts(testSet.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  test('pixel statistics match the usual MNIST normalisation (mean 0.1307, std 0.3081)', async () => {
    const { train } = await loadMnist();
    const images = train.images;
    const n = images.length;
    let sum = 0;
    let sumSq = 0;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const b = images[i];
      sum += b;
      sumSq += b * b;
      if (b > max) max = b;
    }
    const mean = sum / n / 255;
    const std = Math.sqrt(sumSq / n / 255 ** 2 - mean * mean);
    assert.ok(Math.abs(mean - 0.1307) < 5e-4, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.3081) < 5e-4, `std ${std}`);
    // Borders are blank, the centre is inked in many images.
    assert.equal(train.images[0], 0);
    assert.equal(max, 255);
  });

  test('is memoised: the same promise and arrays are returned', async () => {
    const a = await loadMnist();
    const b = await loadMnist();
    assert.equal(a, b);
    assert.equal(a.train.images, b.train.images);
  });

  test('the package files match the SHA-256 checksums in sources', () => {
    const dir = mnistPackageDataDir();
    const files = datasetSources.mnist.npmPackage.files;
    assert.equal(files.length, 4);
    for (const file of files) {
      const bytes = readFileSync(join(dir, file.file));
      assert.equal(bytes.length, file.bytes, file.file);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, file.file);
    }
  });
});
