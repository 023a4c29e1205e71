import { datasetLoaders } from '../data/load-dataset';
import { defaultImageFolderOptions } from '../data/image-folder/image-folder-spec';
import { describeValue, InputError } from '../util/errors';
import type { DatasetSpec } from './dataset-facts-of';

/** The fields of a config's dataset part. */
export const datasetSpecFields = ['name', 'dir', 'size', 'channels', 'heldOut'] as const;

/**
 * Checks a config's dataset part: a known name, `dir` a path when given, and for `folder` a
 * `dir` and valid `size` (`[H, W]` integers in 4..1024), `channels` (1 or 3) and `heldOut`
 * (in (0, 1)); other datasets take none of the three. `where` names the part in errors.
 */
export function checkDatasetSpec(dataset: DatasetSpec, where: string): void {
  const names = Object.keys(datasetLoaders);
  if (!names.includes(dataset.name)) throw new InputError(`${where}.name`, `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`, describeValue(dataset.name));
  if (dataset.dir !== undefined && (typeof dataset.dir !== 'string' || dataset.dir.length === 0)) throw new InputError(`${where}.dir`, 'a folder path (string)', describeValue(dataset.dir));
  if (dataset.name !== 'folder') {
    for (const field of ['size', 'channels', 'heldOut'] as const) {
      if (dataset[field] !== undefined) throw new InputError(`${where}.${field}`, `no ${field} (only an image folder, dataset.name "folder", takes it)`, describeValue(dataset[field]));
    }
    return;
  }
  if (dataset.dir === undefined) throw new InputError(`${where}.dir`, 'the image folder (e.g. --data folder:PATH or --set dataset.dir=PATH)', 'nothing');
  const { minSide, maxSide } = defaultImageFolderOptions;
  const size = dataset.size;
  if (size !== undefined && !(Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v >= minSide && v <= maxSide))) {
    throw new InputError(`${where}.size`, `[height, width], integers in ${minSide}..${maxSide}`, describeValue(size));
  }
  if (dataset.channels !== undefined && dataset.channels !== 1 && dataset.channels !== 3) throw new InputError(`${where}.channels`, '1 (grey) or 3 (RGB)', describeValue(dataset.channels));
  const share = dataset.heldOut;
  if (share !== undefined && !(typeof share === 'number' && share > 0 && share < 1)) throw new InputError(`${where}.heldOut`, 'a share in (0, 1)', describeValue(share));
}
