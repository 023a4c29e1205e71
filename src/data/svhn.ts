import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../util/errors';
import { classNames } from './class-names';
import type { DatasetPair, ImageDataset } from './dataset';
import { matVariable, readMatFile, type MatArray } from './mat';
import { findDataFile, readDataFile } from './read-data-file';
import { downloadHint } from './sources';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const IMAGE_BYTES = 3 * PLANE;

/** Images and labels decoded from one SVHN `.mat` file. */
export interface SvhnImages {
  /** `[n, 32, 32, 3]` bytes, channels last. */
  readonly images: Uint8Array;
  /** `n` labels, digits 0..9 (the file's 10 is digit 0). */
  readonly labels: Int32Array;
}

/**
 * Decodes an SVHN cropped-digits file (format 2: `train_32x32.mat`, `test_32x32.mat`,
 * `extra_32x32.mat`), a MAT v5 file holding `X`, uint8 of dimensions 32x32x3xN in
 * MATLAB (column-major) order, and `y`, N labels 1..10 where 10 stands for digit 0.
 * Returns channels-last images (pixel (row r, column c, channel k) of image i at
 * `((i * 32 + r) * 32 + c) * 3 + k`) and labels 0..9. Checks the dimensions, that `y` has
 * N labels in 1..10, and N = `expectedCount` when given.
 *
 * The pixels are reordered in place: the returned images are a view into `bytes` (or into
 * the inflated copy, for a compressed file), which is overwritten. Pass a copy to keep it.
 */
export function decodeSvhnMat(bytes: Uint8Array, where: string, expectedCount?: number): SvhnImages {
  const file = readMatFile(bytes, where);
  const x = matVariable(file, 'X', where);
  const y = matVariable(file, 'y', where);
  const d = x.dims;
  if (d.length !== 4 || d[0] !== SIDE || d[1] !== SIDE || d[2] !== 3) {
    throw new InputError(`${where} X`, 'dimensions 32x32x3xN (rows, columns, channels, images)', d.join('x'));
  }
  const n = d[3];
  if (expectedCount !== undefined && n !== expectedCount) {
    throw new InputError(`${where} X`, `${expectedCount} images (dimensions 32x32x3x${expectedCount})`, `${n} images`);
  }
  if (n === 0) throw new InputError(`${where} X`, 'at least one image', '0 images');
  const images = pixelBytes(x, `${where} X`);
  const yCount = y.dims.reduce((a, b) => a * b, 1);
  if (y.dims.filter((k) => k !== 1).length > 1 || yCount !== n) {
    throw new InputError(`${where} y`, `${n} labels (dimensions ${n}x1, one per image of X)`, `dimensions ${y.dims.join('x')}`);
  }
  const values = y.real?.values;
  if (values === undefined) throw new InputError(`${where} y`, 'a numeric array of labels', `a ${y.className} array`);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 1 && v <= 10)) {
      throw new InputError(`${where} y label ${i}`, 'a label in 1..10 (10 stands for digit 0)', String(v));
    }
    labels[i] = v === 10 ? 0 : v;
  }
  toChannelsLast(images, n);
  return { images, labels };
}

/** `X`'s values as bytes: a view when stored as uint8, else converted (integers 0..255 only). */
function pixelBytes(x: MatArray, where: string): Uint8Array {
  const real = x.real;
  if (real === undefined || x.complex) throw new InputError(where, 'a real numeric array (uint8)', `a ${x.complex ? 'complex ' : ''}${x.className} array`);
  if (real.storage === 'uint8') return real.values as Uint8Array;
  const out = new Uint8Array(real.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = real.values[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new InputError(`${where} value ${i}`, 'a pixel value, an integer in 0..255', String(v));
    out[i] = v;
  }
  return out;
}

/**
 * Reorders each image's 3072 bytes from MATLAB's column-major 32x32x3 (byte
 * `k * 1024 + c * 32 + r` is row r, column c, channel k) to row-major channels last.
 */
function toChannelsLast(bytes: Uint8Array, n: number): void {
  const tmp = new Uint8Array(IMAGE_BYTES);
  for (let i = 0; i < n; i++) {
    const image = bytes.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    tmp.set(image);
    for (let k = 0; k < 3; k++) {
      const plane = k * PLANE;
      for (let c = 0; c < SIDE; c++) {
        const column = plane + c * SIDE;
        for (let r = 0; r < SIDE; r++) image[(r * SIDE + c) * 3 + k] = tmp[column + r];
      }
    }
  }
}

/** Options of `loadSvhn`. */
export interface SvhnOptions {
  /** Require the canonical counts (73257 train, 26032 test, 531131 extra). Default true. */
  strict?: boolean;
  /** Also read `extra_32x32.mat` (531131 images, 1.3 GB on disk, 1.6 GB in memory). Default false. */
  extra?: boolean;
}

/** Defaults of `SvhnOptions`. */
export const defaultSvhnOptions: Required<SvhnOptions> = { strict: true, extra: false };

/** SVHN's train and test splits, plus the extra split when asked for. */
export interface SvhnPair extends DatasetPair {
  /** The extra split (source `extra`): 531131 easier images, labelled. */
  readonly extra?: ImageDataset;
}

/** The canonical number of images in each SVHN file. */
export const svhnCounts = { train: 73257, test: 26032, extra: 531131 } as const;

/**
 * SVHN cropped digits (format 2) from `dir` (`train_32x32.mat`, `test_32x32.mat`, and
 * `extra_32x32.mat` when `extra` is asked for): 73257 train and 26032 test images of shape
 * `[32, 32, 3]`, labels 0..9 (digit d has label d).
 */
export async function loadSvhn(dir: string, options: SvhnOptions = {}): Promise<SvhnPair> {
  const { strict, extra } = { ...defaultSvhnOptions, ...options };
  if (!existsSync(dir)) {
    throw new InputError(dir, `a folder with the SVHN files train_32x32.mat and test_32x32.mat; ${downloadHint('svhn', dir)}`, 'no such folder');
  }
  const split = async (source: keyof typeof svhnCounts): Promise<ImageDataset> => {
    const name = `${source}_32x32.mat`;
    const path = findDataFile(dir, [name]);
    if (path === undefined) {
      const how = source === 'extra' ? `download ${name} from http://ufldl.stanford.edu/housenumbers/ into ${dir}` : downloadHint('svhn', dir);
      throw new InputError(join(dir, name), `the file (${how})`, 'no such file');
    }
    const { images, labels } = decodeSvhnMat(await readDataFile(path), path, strict ? svhnCounts[source] : undefined);
    return { name: 'svhn', source, shape: [SIDE, SIDE, 3], images, labels, numClasses: 10, classNames: classNames.svhn };
  };
  const train = await split('train');
  const test = await split('test');
  return extra ? { train, test, extra: await split('extra') } : { train, test };
}
