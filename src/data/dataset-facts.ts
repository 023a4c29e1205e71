import type { DatasetName } from './load-dataset';

/** What is known of a dataset before reading it: its canonical split sizes, image shape and classes. */
export interface DatasetFacts {
  readonly trainSize: number;
  readonly testSize: number;
  readonly shape: readonly [number, number, number];
  readonly numClasses: number;
}

const digits: DatasetFacts = { trainSize: 60000, testSize: 10000, shape: [28, 28, 1], numClasses: 10 };

/**
 * The canonical sizes of the datasets `loadDataset` reads (its readers insist on them), so
 * a config can be checked against them before anything loads. `synthetic` is generated at
 * the size a config asks for, an image folder's sizes are its own (`imageFolderFacts`): undefined.
 */
export const datasetFacts: Readonly<Record<DatasetName, DatasetFacts | undefined>> = {
  mnist: digits,
  'fashion-mnist': digits,
  kmnist: digits,
  cifar10: { trainSize: 50000, testSize: 10000, shape: [32, 32, 3], numClasses: 10 },
  cifar100: { trainSize: 50000, testSize: 10000, shape: [32, 32, 3], numClasses: 100 },
  stl10: { trainSize: 5000, testSize: 8000, shape: [96, 96, 3], numClasses: 10 },
  svhn: { trainSize: 73257, testSize: 26032, shape: [32, 32, 3], numClasses: 10 },
  synthetic: undefined,
  folder: undefined,
};
