import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { downloadDataset, type FetchLike } from '../../src/data/download';
import { loadCifar10 } from '../../src/data/cifar';
import { loadIdxFolder } from '../../src/data/idx-dataset';
import type { DatasetSource } from '../../src/data/sources';
import { extractTar } from '../../src/data/tar';
import { InputError } from '../../src/util/errors';
import { cifarBytes, idxBytes, paxPath, pattern, tarBytes, tempDir } from './make-files';

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A fetch serving fixed bytes per URL in small chunks, as a web ReadableStream; records calls. */
function fakeFetch(files: Record<string, Uint8Array>, calls: string[] = []): FetchLike {
  return async (url) => {
    calls.push(url);
    const bytes = files[url];
    if (bytes === undefined) return { ok: false, status: 404, statusText: 'Not Found', body: null };
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 1000) chunks.push(bytes.subarray(i, i + 1000));
    return new Response(Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>) as unknown as Awaited<ReturnType<FetchLike>>;
  };
}

function chunksOf(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

/** Names left in a folder, to check no partial files remain. */
function listing(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe('extractTar', () => {
  test('extracts files and folders, honours strip, prefix, GNU long names and pax paths', async () => {
    const { dir, cleanup } = tempDir('tar');
    try {
      const longDir = `top/${'d'.repeat(120)}`;
      const tar = tarBytes([
        { name: 'top/', type: '5' },
        { name: 'top/a.bin', data: pattern(1500) },
        { name: 'top/empty.txt', data: new Uint8Array(0) },
        { name: `${longDir}/b.txt`, data: Buffer.from('prefix'), usePrefix: true },
        { name: '././@LongLink', type: 'L', data: Buffer.from(`top/${'l'.repeat(150)}.txt\0`) },
        { name: 'truncated-name', data: Buffer.from('long') },
        { name: 'PaxHeader', type: 'x', data: paxPath('top/pax-name.txt') },
        { name: 'ignored', data: Buffer.from('pax') },
        { name: 'top/link', type: '2' },
      ]);
      const files = await extractTar(chunksOf(tar, 333), dir, { strip: 1 });
      assert.deepEqual(
        files.map((f) => f.path),
        ['a.bin', 'empty.txt', join('d'.repeat(120), 'b.txt'), `${'l'.repeat(150)}.txt`, 'pax-name.txt'],
      );
      assert.deepEqual(readFileSync(join(dir, 'a.bin')), Buffer.from(pattern(1500)));
      assert.equal(readFileSync(join(dir, 'empty.txt')).length, 0);
      assert.equal(readFileSync(join(dir, 'd'.repeat(120), 'b.txt'), 'utf8'), 'prefix');
      assert.equal(readFileSync(join(dir, `${'l'.repeat(150)}.txt`), 'utf8'), 'long');
      assert.equal(readFileSync(join(dir, 'pax-name.txt'), 'utf8'), 'pax');
      assert.ok(!existsSync(join(dir, 'link')));
    } finally {
      cleanup();
    }
  });

  test('rejects paths escaping the folder, bad checksums and archives cut short', async () => {
    const { dir, cleanup } = tempDir('tar');
    try {
      await assert.rejects(extractTar(chunksOf(tarBytes([{ name: '../evil', data: pattern(3) }]), 512), dir), /expected an entry path without '\.\.', found "\.\.\/evil"/);
      await assert.rejects(extractTar(chunksOf(tarBytes([{ name: '/etc/x', data: pattern(3) }]), 512), dir), /expected a relative entry path/);
      const corrupt = tarBytes([{ name: 'a', data: pattern(3) }]);
      corrupt[10] ^= 1;
      await assert.rejects(extractTar(chunksOf(corrupt, 512), dir, { where: 'x.tar' }), (e: unknown) => e instanceof InputError && /x\.tar \(header at byte 0\): expected a header checksum/.test(e.message));
      const full = tarBytes([{ name: 'a', data: pattern(2000) }]);
      await assert.rejects(extractTar(chunksOf(full.subarray(0, 1200), 512), dir), /expected 2000 bytes of file data/);
      await assert.rejects(extractTar(chunksOf(full.subarray(0, 512 + 2048), 512), dir), /expected two zero blocks at the end of the archive/);
    } finally {
      cleanup();
    }
  });
});

describe('downloadDataset', () => {
  // A tiny CIFAR-10-like archive: the real layout, 1 record per batch.
  const record = (label: number): Uint8Array => cifarBytes([[label]], (_r, c, y, x) => c * 50 + y + x);
  const archive = gzipSync(
    tarBytes([
      { name: 'cifar-10-batches-bin/', type: '5' },
      ...[1, 2, 3, 4, 5].map((b) => ({ name: `cifar-10-batches-bin/data_batch_${b}.bin`, data: record(b) })),
      { name: 'cifar-10-batches-bin/test_batch.bin', data: record(0) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('airplane\n') },
    ]),
  );
  const url = 'https://example.test/cifar-10-binary.tar.gz';
  const source = (checksum: string): DatasetSource => ({
    name: 'cifar10',
    title: 'tiny CIFAR-10',
    homepage: 'https://example.test/',
    licence: 'test',
    citation: 'test',
    downloads: [{ url, file: 'cifar-10-binary.tar.gz', kind: 'tar.gz', archiveFolder: 'cifar-10-batches-bin', md5: checksum, sha256: sha256(archive) }],
    files: [
      ...[1, 2, 3, 4, 5].map((b) => ({ file: `data_batch_${b}.bin`, bytes: 3073 })),
      { file: 'test_batch.bin', bytes: 3073 },
      { file: 'batches.meta.txt', optional: true },
    ],
    checksumsFrom: 'test',
  });

  test('downloads, verifies, extracts without the top folder, and the loader reads the result', async () => {
    const { dir, cleanup } = tempDir('dl');
    try {
      const target = join(dir, 'cifar10');
      const calls: string[] = [];
      const phases: string[] = [];
      const result = await downloadDataset('cifar10', {
        dir: target,
        source: source(md5(archive)),
        fetchImpl: fakeFetch({ [url]: archive }, calls),
        onProgress: (e) => phases.push(e.phase),
      });
      assert.equal(result.skipped, false);
      assert.equal(result.dir, target);
      assert.deepEqual(calls, [url]);
      assert.deepEqual(listing(dir), ['cifar10']);
      assert.deepEqual(listing(target), ['batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']);
      assert.ok(phases.includes('verified') && phases.at(-1) === 'done');
      const pair = await loadCifar10(target, { strict: false });
      assert.deepEqual([...pair.train.labels], [1, 2, 3, 4, 5]);
      assert.equal(pair.train.images[((0 * 32 + 3) * 32 + 4) * 3 + 2], 100 + 3 + 4);
      // A second call finds the folder complete and fetches nothing.
      const again = await downloadDataset('cifar10', { dir: target, source: source(md5(archive)), fetchImpl: fakeFetch({}, calls) });
      assert.equal(again.skipped, true);
      assert.equal(calls.length, 1);
    } finally {
      cleanup();
    }
  });

  test('a checksum mismatch is an error and leaves no partial files', async () => {
    const { dir, cleanup } = tempDir('dl');
    try {
      const target = join(dir, 'cifar10');
      await assert.rejects(
        downloadDataset('cifar10', { dir: target, source: source('0'.repeat(32)), fetchImpl: fakeFetch({ [url]: archive }) }),
        (e: unknown) =>
          e instanceof InputError &&
          e.where === url &&
          e.message.includes(`expected MD5 ${'0'.repeat(32)} (published checksum of cifar-10-binary.tar.gz), found MD5 ${md5(archive)}`),
      );
      assert.deepEqual(listing(dir), []);
    } finally {
      cleanup();
    }
  });

  test('HTTP errors, a corrupt archive and an incomplete archive leave no partial files', async () => {
    const { dir, cleanup } = tempDir('dl');
    try {
      const target = join(dir, 'cifar10');
      await assert.rejects(downloadDataset('cifar10', { dir: target, source: source(md5(archive)), fetchImpl: fakeFetch({}) }), /expected HTTP status 200, found HTTP 404 Not Found/);
      assert.deepEqual(listing(dir), []);
      const broken = Uint8Array.from(archive);
      broken[broken.length - 20] ^= 0xff;
      const brokenSource = { ...source(md5(broken)), downloads: [{ ...source('').downloads[0], md5: md5(broken), sha256: undefined }] };
      await assert.rejects(downloadDataset('cifar10', { dir: target, source: brokenSource, fetchImpl: fakeFetch({ [url]: broken }) }), /cifar-10-binary\.tar\.gz: expected a complete gzip stream, found a gzip error/);
      assert.deepEqual(listing(dir), []);
      const partial = gzipSync(tarBytes([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: record(1) }]));
      const partialSource = { ...source(md5(partial)), downloads: [{ ...source('').downloads[0], md5: md5(partial), sha256: undefined }] };
      await assert.rejects(downloadDataset('cifar10', { dir: target, source: partialSource, fetchImpl: fakeFetch({ [url]: partial }) }), /cifar10 download: expected the files .*found data_batch_2\.bin: missing/);
      assert.deepEqual(listing(dir), []);
      await assert.rejects(
        downloadDataset('cifar10', { dir: target, source: source(md5(archive)), fetchImpl: async () => Promise.reject(new Error('offline')) }),
        /expected a reachable URL, found a network error \(offline\)/,
      );
      assert.deepEqual(listing(dir), []);
    } finally {
      cleanup();
    }
  });

  test('an incomplete existing folder is kept unless overwrite is asked for', async () => {
    const { dir, cleanup } = tempDir('dl');
    try {
      const target = join(dir, 'cifar10');
      mkdirSync(target);
      writeFileSync(join(target, 'data_batch_1.bin'), 'junk');
      const options = { dir: target, source: source(md5(archive)), fetchImpl: fakeFetch({ [url]: archive }) };
      await assert.rejects(downloadDataset('cifar10', options), /expected no folder, or a complete one \(pass overwrite: true to replace it\), found an incomplete folder \(data_batch_1\.bin: 4 bytes instead of 3073\)/);
      assert.equal(readFileSync(join(target, 'data_batch_1.bin'), 'utf8'), 'junk');
      const result = await downloadDataset('cifar10', { ...options, overwrite: true });
      assert.equal(result.skipped, false);
      assert.equal(readFileSync(join(target, 'data_batch_1.bin')).length, 3073);
      assert.deepEqual(listing(dir), ['cifar10']);
    } finally {
      cleanup();
    }
  });

  test('plain .gz files (Fashion-MNIST layout) are kept compressed and load through the IDX reader', async () => {
    const { dir, cleanup } = tempDir('dl');
    try {
      const base = 'https://example.test/fashion/';
      const contents: Record<string, Uint8Array> = {
        'train-images-idx3-ubyte.gz': gzipSync(idxBytes([2, 28, 28], pattern(2 * 784))),
        'train-labels-idx1-ubyte.gz': gzipSync(idxBytes([2], Uint8Array.from([3, 9]))),
        't10k-images-idx3-ubyte.gz': gzipSync(idxBytes([1, 28, 28], pattern(784))),
        't10k-labels-idx1-ubyte.gz': gzipSync(idxBytes([1], Uint8Array.from([0]))),
      };
      const files = Object.keys(contents);
      const fashion: DatasetSource = {
        name: 'fashion-mnist',
        title: 't',
        homepage: base,
        licence: 't',
        citation: 't',
        downloads: files.map((file) => ({ url: base + file, file, kind: 'file', md5: md5(contents[file]) })),
        files: files.map((file) => ({ file, md5: md5(contents[file]) })),
        checksumsFrom: 't',
      };
      const served = Object.fromEntries(files.map((f) => [base + f, contents[f]]));
      const target = join(dir, 'fashion-mnist');
      await downloadDataset('fashion-mnist', { dir: target, source: fashion, fetchImpl: fakeFetch(served) });
      assert.deepEqual(listing(target), [...files].sort());
      const pair = await loadIdxFolder(target, { name: 'fashion-mnist' });
      assert.deepEqual([...pair.train.labels], [3, 9]);
      assert.deepEqual(pair.train.shape, [28, 28, 1]);
    } finally {
      cleanup();
    }
  });

  test('unknown names are InputErrors listing the known ones', async () => {
    await assert.rejects(downloadDataset('imagenet', { fetchImpl: fakeFetch({}) }), /downloadDataset name: expected one of mnist, fashion-mnist, kmnist, cifar10, cifar100, stl10, svhn, found "imagenet"/);
  });
});
