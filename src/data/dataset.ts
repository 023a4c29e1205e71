/**
 * An in-memory image dataset: `n` images of shape `[height, width, channels]`, stored
 * as bytes (0-255, channels last) exactly as the source files hold them, with labels.
 * Convert batches to float tensors with `toTensor` (src/data/to-tensor.ts).
 *
 * An image's id is its index in its source file (`source`), so a score can always be
 * traced back to its image: `(source, id)` is unique.
 */
export interface ImageDataset {
  /** Short name, e.g. `mnist`, `cifar10`, `synthetic`. */
  readonly name: string;
  /** Which file of the source this came from, e.g. `train` or `test`. */
  readonly source: string;
  /** `[height, width, channels]`. */
  readonly shape: readonly [number, number, number];
  /** Pixels, `n * height * width * channels` bytes, image-major, channels last. */
  readonly images: Uint8Array;
  /** Class label per image, `n` entries in `[0, numClasses)`. */
  readonly labels: Int32Array;
  /** Number of classes. */
  readonly numClasses: number;
  /** Optional names of the classes, `numClasses` entries. */
  readonly classNames?: readonly string[];
  /** For a dataset read from files (an image folder): each image's file, `n` entries (paths relative to the folder). */
  readonly files?: readonly string[];
}

/** Number of images in a dataset. */
export function datasetSize(ds: ImageDataset): number {
  return ds.labels.length;
}

/** A dataset together with its held-out split (e.g. MNIST train and test). */
export interface DatasetPair {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
}
