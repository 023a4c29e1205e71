import { existsSync } from 'node:fs';
import { InputError } from '../util/errors';
import type { DatasetPair, ImageDataset } from './dataset';
import { readIdx } from './idx';
import { findDataFile, readDataFile } from './read-data-file';

/** Where an IDX image/label pair lives and what to call it. */
export interface IdxDatasetOptions {
  /** IDX file of images, `[n, height, width]` (or `[n, height, width, channels]`); may be gzip'd. */
  imagesPath: string;
  /** IDX file of labels, `[n]`; may be gzip'd. */
  labelsPath: string;
  /** Dataset name, e.g. `mnist`. */
  name: string;
  /** Which split, e.g. `train` or `test`. */
  source: string;
  /** Number of classes; default: largest label + 1. Labels must lie in `[0, numClasses)`. */
  numClasses?: number;
  /** Optional class names (`numClasses` entries). */
  classNames?: readonly string[];
  /** When given, the number of images the files must hold. */
  expectedCount?: number;
}

/**
 * Loads one split of an IDX dataset (MNIST, Fashion-MNIST, KMNIST) from its images and
 * labels files, checking magic numbers, sizes and that both files hold the same number of
 * items. Returns an `ImageDataset` of shape `[height, width, 1]` (or the file's channels).
 */
export async function loadIdxDataset(options: IdxDatasetOptions): Promise<ImageDataset> {
  const { imagesPath, labelsPath } = options;
  const images = readIdx(await readDataFile(imagesPath), imagesPath, { count: options.expectedCount });
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new InputError(imagesPath, 'an IDX images file with 3 or 4 dimensions ([n, h, w] or [n, h, w, c])', `${images.dims.length} dimensions`);
  }
  const n = images.dims[0];
  const labelsIdx = readIdx(await readDataFile(labelsPath), labelsPath, { rank: 1 });
  if (labelsIdx.dims[0] !== n) {
    throw new InputError(labelsPath, `${n} labels (one per image in ${imagesPath})`, `${labelsIdx.dims[0]} labels`);
  }
  const labels = Int32Array.from(labelsIdx.data);
  let maxLabel = -1;
  for (let i = 0; i < n; i++) if (labels[i] > maxLabel) maxLabel = labels[i];
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (maxLabel >= numClasses) {
    const at = labels.findIndex((l) => l >= numClasses);
    throw new InputError(`${labelsPath} label ${at}`, `a class in [0, ${numClasses})`, String(labels[at]));
  }
  if (options.classNames !== undefined && options.classNames.length !== numClasses) {
    throw new InputError(`${options.name} classNames`, `${numClasses} names`, `${options.classNames.length}`);
  }
  const [, height, width] = images.dims;
  const channels = images.dims.length === 4 ? images.dims[3] : 1;
  return {
    name: options.name,
    source: options.source,
    shape: [height, width, channels],
    images: images.data,
    labels,
    numClasses,
    ...(options.classNames !== undefined ? { classNames: options.classNames } : {}),
  };
}

/** Options for `loadIdxFolder`. */
export interface IdxFolderOptions {
  /** Dataset name, e.g. `fashion-mnist`. */
  name: string;
  /** Number of classes (default 10). */
  numClasses?: number;
  /** Optional class names. */
  classNames?: readonly string[];
  /** Expected sizes of the splits (e.g. `{ train: 60000, test: 10000 }`); unchecked when absent. */
  expectedCounts?: { train: number; test: number };
  /** How the user can get the files, appended to the error when files are missing. */
  howToGet?: string;
}

/** The four standard IDX file names (each also found with a `.gz` suffix or `.idx` spelling). */
export const idxFileNames = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
} as const;

/** True when `dir` holds the four standard IDX files (each as named in `idxFileNames`, optionally `.gz`). */
export function idxFolderComplete(dir: string): boolean {
  return existsSync(dir) && Object.values(idxFileNames).every((names) => findDataFile(dir, names) !== undefined);
}

/**
 * Loads a train/test pair from a folder holding the four standard IDX files
 * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each optionally `.gz`), as Fashion-MNIST and KMNIST ship them.
 */
export async function loadIdxFolder(dir: string, options: IdxFolderOptions): Promise<DatasetPair> {
  const hint = options.howToGet !== undefined ? ` (${options.howToGet})` : '';
  if (!existsSync(dir)) {
    throw new InputError(dir, `a folder with the ${options.name} IDX files${hint}`, 'no such folder');
  }
  const find = (names: readonly string[]): string => {
    const path = findDataFile(dir, names);
    if (path === undefined) {
      throw new InputError(dir, `the file ${names[0]} or ${names[0]}.gz${hint}`, 'no such file');
    }
    return path;
  };
  const paths = {
    trainImages: find(idxFileNames.trainImages),
    trainLabels: find(idxFileNames.trainLabels),
    testImages: find(idxFileNames.testImages),
    testLabels: find(idxFileNames.testLabels),
  };
  const common = { name: options.name, numClasses: options.numClasses ?? 10, classNames: options.classNames };
  const train = await loadIdxDataset({
    ...common,
    imagesPath: paths.trainImages,
    labelsPath: paths.trainLabels,
    source: 'train',
    expectedCount: options.expectedCounts?.train,
  });
  const test = await loadIdxDataset({
    ...common,
    imagesPath: paths.testImages,
    labelsPath: paths.testLabels,
    source: 'test',
    expectedCount: options.expectedCounts?.test,
  });
  return { train, test };
}
