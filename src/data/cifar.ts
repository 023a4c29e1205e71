import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../util/errors';
import { classNames } from './class-names';
import type { DatasetPair, ImageDataset } from './dataset';
import { downloadHint } from './sources';
import { findDataFile, readDataFile, resolveDataFolder } from './read-data-file';

/** Record layout of a CIFAR binary file. */
export interface CifarLayout {
  /** Label bytes before the pixels: 1 (CIFAR-10) or 2 (CIFAR-100: coarse, fine). */
  labelBytes: 1 | 2;
  /** Which label byte is the label (CIFAR-100: 0 coarse, 1 fine). */
  labelIndex: number;
  /** Labels must lie in `[0, numClasses)`. */
  numClasses: number;
}

/** Images and labels decoded from CIFAR binary records. */
export interface CifarRecords {
  /** `[n, 32, 32, 3]` bytes, channels last. */
  images: Uint8Array;
  /** `n` labels. */
  labels: Int32Array;
}

const PIXELS = 32 * 32;
const IMAGE_BYTES = 3 * PIXELS;

/**
 * Decodes CIFAR binary records (label byte(s), then 1024 red, 1024 green, 1024 blue bytes,
 * each plane row-major) into channels-last images. Checks the length is a whole number of
 * records (and equals `expectedRecords` when given) and that labels are in range.
 */
export function readCifarRecords(bytes: Uint8Array, where: string, layout: CifarLayout, expectedRecords?: number): CifarRecords {
  const recordBytes = layout.labelBytes + IMAGE_BYTES;
  const perRecord = `${recordBytes} bytes per record (${layout.labelBytes} label byte${layout.labelBytes > 1 ? 's' : ''} + 3072 pixels)`;
  if (expectedRecords !== undefined && bytes.length !== expectedRecords * recordBytes) {
    throw new InputError(where, `${expectedRecords * recordBytes} bytes for ${expectedRecords} records of ${perRecord}`, `${bytes.length} bytes`);
  }
  if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
    throw new InputError(where, `a non-empty multiple of ${perRecord}`, `${bytes.length} bytes`);
  }
  const n = bytes.length / recordBytes;
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const start = r * recordBytes;
    const label = bytes[start + layout.labelIndex];
    if (label >= layout.numClasses) {
      throw new InputError(`${where} record ${r}`, `a label in [0, ${layout.numClasses})`, String(label));
    }
    labels[r] = label;
    const src = start + layout.labelBytes;
    const dst = r * IMAGE_BYTES;
    for (let p = 0; p < PIXELS; p++) {
      images[dst + 3 * p] = bytes[src + p];
      images[dst + 3 * p + 1] = bytes[src + PIXELS + p];
      images[dst + 3 * p + 2] = bytes[src + 2 * PIXELS + p];
    }
  }
  return { images, labels };
}

/** Options shared by the CIFAR loaders. */
export interface CifarOptions {
  /** Require the canonical record counts (10000 per CIFAR-10 batch, 50000/10000 for CIFAR-100). Default true. */
  strict?: boolean;
}

/** Defaults of `CifarOptions`. */
export const defaultCifarOptions: Required<CifarOptions> = { strict: true };

/** Options of `loadCifar100`. */
export interface Cifar100Options extends CifarOptions {
  /** Which label to use: `fine` (100 classes, default) or `coarse` (20 superclasses). */
  labels?: 'fine' | 'coarse';
}

/**
 * CIFAR-10 from the binary version in `dir` (`data_batch_1.bin` ... `data_batch_5.bin`,
 * `test_batch.bin`, directly or in `dir/cifar-10-batches-bin/`): 50000 train and 10000 test
 * images of shape `[32, 32, 3]`.
 */
export async function loadCifar10(dir: string, options: CifarOptions = {}): Promise<DatasetPair> {
  const { strict } = { ...defaultCifarOptions, ...options };
  const trainNames = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  const folder = requireFolder(dir, 'cifar10', ['data_batch_1.bin', 'test_batch.bin'], ['cifar-10-batches-bin'], 'the CIFAR-10 binary files data_batch_1.bin ... data_batch_5.bin and test_batch.bin');
  const layout: CifarLayout = { labelBytes: 1, labelIndex: 0, numClasses: 10 };
  const expected = strict ? 10000 : undefined;
  const parts: CifarRecords[] = [];
  for (const name of trainNames) {
    const path = requireFile(folder, name, 'cifar10');
    parts.push(readCifarRecords(await readDataFile(path), path, layout, expected));
  }
  const testPath = requireFile(folder, 'test_batch.bin', 'cifar10');
  const test = readCifarRecords(await readDataFile(testPath), testPath, layout, expected);
  const meta = { name: 'cifar10', numClasses: 10, classNames: classNames.cifar10 };
  return { train: toDataset(concatRecords(parts), { ...meta, source: 'train' }), test: toDataset(test, { ...meta, source: 'test' }) };
}

/**
 * CIFAR-100 from the binary version in `dir` (`train.bin`, `test.bin`, directly or in
 * `dir/cifar-100-binary/`): 50000 train and 10000 test images of shape `[32, 32, 3]`, with
 * fine (100) or coarse (20) labels. Class names are read from `fine_label_names.txt` /
 * `coarse_label_names.txt` when present.
 */
export async function loadCifar100(dir: string, options: Cifar100Options = {}): Promise<DatasetPair> {
  const { strict } = { ...defaultCifarOptions, ...options };
  const which = options.labels ?? 'fine';
  if (which !== 'fine' && which !== 'coarse') {
    throw new InputError('loadCifar100 options.labels', "'fine' or 'coarse'", JSON.stringify(which));
  }
  const folder = requireFolder(dir, 'cifar100', ['train.bin', 'test.bin'], ['cifar-100-binary'], 'the CIFAR-100 binary files train.bin and test.bin');
  const numClasses = which === 'fine' ? 100 : 20;
  const layout: CifarLayout = { labelBytes: 2, labelIndex: which === 'fine' ? 1 : 0, numClasses };
  const trainPath = requireFile(folder, 'train.bin', 'cifar100');
  const testPath = requireFile(folder, 'test.bin', 'cifar100');
  const train = readCifarRecords(await readDataFile(trainPath), trainPath, layout, strict ? 50000 : undefined);
  const test = readCifarRecords(await readDataFile(testPath), testPath, layout, strict ? 10000 : undefined);
  const names = readNameList(join(folder, `${which}_label_names.txt`), numClasses);
  const meta = { name: which === 'fine' ? 'cifar100' : 'cifar100-coarse', numClasses, classNames: names };
  return { train: toDataset(train, { ...meta, source: 'train' }), test: toDataset(test, { ...meta, source: 'test' }) };
}

/**
 * Reads a class-name list (one name per non-empty line) when the file exists and holds
 * exactly `count` names; otherwise `undefined`.
 */
export function readNameList(path: string, count: number): string[] | undefined {
  if (!existsSync(path)) return undefined;
  const names = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return names.length === count ? names : undefined;
}

function requireFolder(dir: string, name: 'cifar10' | 'cifar100', marker: string[], subfolders: string[], what: string): string {
  if (!existsSync(dir)) {
    throw new InputError(dir, `a folder with ${what}; ${downloadHint(name, dir)}`, 'no such folder');
  }
  const folder = resolveDataFolder(dir, marker.slice(0, 1), subfolders);
  if (folder === undefined) {
    throw new InputError(dir, `${what}; ${downloadHint(name, dir)}`, `no ${marker[0]} in it or in ${subfolders.join(', ')}/`);
  }
  return folder;
}

function requireFile(folder: string, file: string, name: 'cifar10' | 'cifar100'): string {
  const path = findDataFile(folder, [file]);
  if (path === undefined) {
    throw new InputError(join(folder, file), `the file (${downloadHint(name, folder)})`, 'no such file');
  }
  return path;
}

function concatRecords(parts: readonly CifarRecords[]): CifarRecords {
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Int32Array(n);
  let at = 0;
  for (const part of parts) {
    images.set(part.images, at * IMAGE_BYTES);
    labels.set(part.labels, at);
    at += part.labels.length;
  }
  return { images, labels };
}

function toDataset(
  records: CifarRecords,
  meta: { name: string; source: string; numClasses: number; classNames?: readonly string[] },
): ImageDataset {
  return {
    name: meta.name,
    source: meta.source,
    shape: [32, 32, 3],
    images: records.images,
    labels: records.labels,
    numClasses: meta.numClasses,
    ...(meta.classNames !== undefined ? { classNames: meta.classNames } : {}),
  };
}
