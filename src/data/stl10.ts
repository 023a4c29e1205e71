import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../util/errors';
import { classNames } from './class-names';
import type { DatasetPair, ImageDataset } from './dataset';
import { readNameList } from './cifar';
import { downloadHint } from './sources';
import { fileSize, findDataFile, readDataFile, readFileRange, resolveDataFolder } from './read-data-file';

const SIDE = 96;
const PLANE = SIDE * SIDE;
const IMAGE_BYTES = 3 * PLANE;

/**
 * Decodes STL-10 binary images into channels-last bytes `[n, 96, 96, 3]`.
 * The file stores each image as three 96x96 planes (red, green, blue), each plane in
 * column-major order: byte `c * 9216 + x * 96 + y` is channel `c` at row `y`, column `x`.
 * Checks the length is a whole number of images (equal to `expectedCount` when given).
 */
export function decodeStl10Images(bytes: Uint8Array, where: string, expectedCount?: number): Uint8Array {
  if (expectedCount !== undefined && bytes.length !== expectedCount * IMAGE_BYTES) {
    throw new InputError(where, `${expectedCount * IMAGE_BYTES} bytes for ${expectedCount} images of 96x96x3`, `${bytes.length} bytes`);
  }
  if (bytes.length === 0 || bytes.length % IMAGE_BYTES !== 0) {
    throw new InputError(where, `a non-empty multiple of ${IMAGE_BYTES} bytes (images of 96x96x3)`, `${bytes.length} bytes`);
  }
  const out = new Uint8Array(bytes.length);
  decodeInto(bytes, out, 0, bytes.length / IMAGE_BYTES);
  return out;
}

function decodeInto(src: Uint8Array, out: Uint8Array, firstImage: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const s = i * IMAGE_BYTES;
    const d = (firstImage + i) * IMAGE_BYTES;
    for (let c = 0; c < 3; c++) {
      const plane = s + c * PLANE;
      for (let x = 0; x < SIDE; x++) {
        const column = plane + x * SIDE;
        for (let y = 0; y < SIDE; y++) out[d + (y * SIDE + x) * 3 + c] = src[column + y];
      }
    }
  }
}

/** Reads STL-10 labels (one byte each, 1..10) as classes 0..9, checking count and range. */
export function decodeStl10Labels(bytes: Uint8Array, where: string, expectedCount: number): Int32Array {
  if (bytes.length !== expectedCount) {
    throw new InputError(where, `${expectedCount} labels (one byte per image)`, `${bytes.length} bytes`);
  }
  const labels = new Int32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const label = bytes[i];
    if (label < 1 || label > 10) throw new InputError(`${where} label ${i}`, 'a class in 1..10', String(label));
    labels[i] = label - 1;
  }
  return labels;
}

/** Options of `loadStl10`. */
export interface Stl10Options {
  /** Require the canonical counts (5000 train, 8000 test). Default true. */
  strict?: boolean;
  /**
   * Also read the unlabeled split (100000 images, 2.7 GB): `true` for all of it, a number for
   * its first that many images. Default false.
   */
  unlabeled?: boolean | number;
}

/** Defaults of `Stl10Options`. */
export const defaultStl10Options: Required<Stl10Options> = { strict: true, unlabeled: false };

/** STL-10's labelled splits, plus the unlabeled split when asked for. */
export interface Stl10Pair extends DatasetPair {
  /** The unlabeled split (source `unlabeled`); its labels are all -1 (unknown). */
  readonly unlabeled?: ImageDataset;
}

/**
 * STL-10 from the binary version in `dir` (`train_X.bin`, `train_y.bin`, `test_X.bin`,
 * `test_y.bin`, optionally `unlabeled_X.bin`; directly or in `dir/stl10_binary/`):
 * 5000 train and 8000 test images of shape `[96, 96, 3]`, labels 0..9.
 */
export async function loadStl10(dir: string, options: Stl10Options = {}): Promise<Stl10Pair> {
  const { strict, unlabeled } = { ...defaultStl10Options, ...options };
  const what = 'the STL-10 binary files train_X.bin, train_y.bin, test_X.bin, test_y.bin';
  if (!existsSync(dir)) throw new InputError(dir, `a folder with ${what}; ${downloadHint('stl10', dir)}`, 'no such folder');
  const folder = resolveDataFolder(dir, ['train_X.bin'], ['stl10_binary']);
  if (folder === undefined) {
    throw new InputError(dir, `${what}; ${downloadHint('stl10', dir)}`, 'no train_X.bin in it or in stl10_binary/');
  }
  const file = (name: string): string => {
    const path = findDataFile(folder, [name]);
    if (path === undefined) throw new InputError(join(folder, name), `the file (${downloadHint('stl10', folder)})`, 'no such file');
    return path;
  };
  const split = async (source: 'train' | 'test', expected: number): Promise<ImageDataset> => {
    const xPath = file(`${source}_X.bin`);
    const yPath = file(`${source}_y.bin`);
    const images = decodeStl10Images(await readDataFile(xPath), xPath, strict ? expected : undefined);
    const n = images.length / IMAGE_BYTES;
    const labels = decodeStl10Labels(await readDataFile(yPath), yPath, n);
    return dataset(source, images, labels, folder);
  };
  const train = await split('train', 5000);
  const test = await split('test', 8000);
  if (unlabeled === false || unlabeled === 0) return { train, test };
  const path = file('unlabeled_X.bin');
  const size = fileSize(path) ?? 0;
  if (size === 0 || size % IMAGE_BYTES !== 0 || (strict && size !== 100000 * IMAGE_BYTES)) {
    const expected = strict ? `${100000 * IMAGE_BYTES} bytes for 100000 images of 96x96x3` : `a non-empty multiple of ${IMAGE_BYTES} bytes`;
    throw new InputError(path, expected, `${size} bytes`);
  }
  const available = size / IMAGE_BYTES;
  if (typeof unlabeled === 'number' && !(Number.isInteger(unlabeled) && unlabeled > 0)) {
    throw new InputError('loadStl10 options.unlabeled', 'true, false or a positive integer', String(unlabeled));
  }
  const count = unlabeled === true ? available : Math.min(unlabeled, available);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const chunk = 1000;
  for (let first = 0; first < count; first += chunk) {
    const k = Math.min(chunk, count - first);
    decodeInto(await readFileRange(path, first * IMAGE_BYTES, k * IMAGE_BYTES), images, first, k);
  }
  return { train, test, unlabeled: dataset('unlabeled', images, new Int32Array(count).fill(-1), folder) };
}

function dataset(source: string, images: Uint8Array, labels: Int32Array, folder: string): ImageDataset {
  return {
    name: 'stl10',
    source,
    shape: [SIDE, SIDE, 3],
    images,
    labels,
    numClasses: 10,
    classNames: readNameList(join(folder, 'class_names.txt'), 10) ?? classNames.stl10,
  };
}
