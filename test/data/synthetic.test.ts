import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticDataset } from '../../src/data/synthetic';

describe('syntheticDataset', () => {
  test('has the asked shape, sizes and balanced labels', () => {
    const { train, test: testSet } = syntheticDataset({ n: 30, nTest: 7, shape: [8, 6, 3], numClasses: 4, seed: 1 });
    assert.deepEqual(train.shape, [8, 6, 3]);
    assert.equal(train.images.length, 30 * 8 * 6 * 3);
    assert.equal(testSet.labels.length, 7);
    assert.equal(train.name, 'synthetic');
    assert.equal(train.source, 'train');
    assert.equal(testSet.source, 'test');
    const counts = [0, 0, 0, 0];
    for (const l of train.labels) counts[l]++;
    assert.deepEqual([...counts].sort(), [7, 7, 8, 8]);
  });

  test('is deterministic in the seed and differs across seeds', () => {
    const a = syntheticDataset({ n: 20, seed: 5 });
    const b = syntheticDataset({ n: 20, seed: 5 });
    const c = syntheticDataset({ n: 20, seed: 6 });
    assert.deepEqual(a.train.images, b.train.images);
    assert.deepEqual(a.train.labels, b.train.labels);
    assert.deepEqual(a.test.images, b.test.images);
    assert.notDeepEqual(a.train.images, c.train.images);
    assert.notDeepEqual(a.train.images, a.test.images.subarray(0, a.train.images.length));
  });

  test('classes are learnable: a nearest-class-mean classifier on pixels beats chance by far', () => {
    const numClasses = 5;
    const { train, test: testSet } = syntheticDataset({ n: 200, nTest: 100, shape: [12, 12, 1], numClasses, seed: 3 });
    const d = 144;
    const means = Array.from({ length: numClasses }, () => new Float64Array(d));
    const counts = new Array<number>(numClasses).fill(0);
    for (let i = 0; i < train.labels.length; i++) {
      counts[train.labels[i]]++;
      for (let p = 0; p < d; p++) means[train.labels[i]][p] += train.images[i * d + p];
    }
    means.forEach((m, k) => m.forEach((v, p) => (m[p] = v / counts[k])));
    let correct = 0;
    for (let i = 0; i < testSet.labels.length; i++) {
      let best = -1;
      let bestDist = Infinity;
      for (let k = 0; k < numClasses; k++) {
        let dist = 0;
        for (let p = 0; p < d; p++) dist += (testSet.images[i * d + p] - means[k][p]) ** 2;
        if (dist < bestDist) [best, bestDist] = [k, dist];
      }
      if (best === testSet.labels[i]) correct++;
    }
    assert.ok(correct / testSet.labels.length > 0.6, `accuracy ${correct / testSet.labels.length}`);
  });

  test('no two images are identical and bad options are InputErrors', () => {
    const { train } = syntheticDataset({ n: 40, seed: 2 });
    const seen = new Set<string>();
    const per = 16 * 16;
    for (let i = 0; i < 40; i++) seen.add(Buffer.from(train.images.subarray(i * per, (i + 1) * per)).toString('hex'));
    assert.equal(seen.size, 40);
    assert.throws(() => syntheticDataset({ n: 0, seed: 1 }), /syntheticDataset options\.n: expected a positive integer, found 0/);
    assert.throws(() => syntheticDataset({ n: 3, seed: 1, shape: [4, 0, 1] }), /options\.shape: expected \[height, width, channels\] of positive integers/);
    assert.throws(() => syntheticDataset({ n: 3, seed: 1.5 }), /options\.seed: expected an integer, found 1\.5/);
  });
});
