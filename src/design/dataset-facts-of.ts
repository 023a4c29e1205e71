import { datasetFacts, type DatasetFacts } from '../data/dataset-facts';
import { imageFolderFacts } from '../data/image-folder/image-folder-facts';
import type { ImageFolderSpec } from '../data/image-folder/image-folder-spec';
import type { DatasetName } from '../data/load-dataset';

/** A config's dataset part: a name, its folder, and for an image folder its size, channels and held-out share. */
export interface DatasetSpec {
  readonly name: DatasetName;
  readonly dir?: string;
  /** Image folder: `[height, width]` the images are brought to (default `[32, 32]`). */
  readonly size?: readonly [number, number];
  /** Image folder: 1 or 3 channels (default: the files' own). */
  readonly channels?: 1 | 3;
  /** Image folder without `test/`: the share of each class held out as the test split (default 0.2). */
  readonly heldOut?: number;
}

/** What is known of a config's dataset before it loads, with whether it has labels (an image folder may not). */
export interface ConfigDatasetFacts extends DatasetFacts {
  readonly labelled: boolean;
  /** An image folder's resolved path and content digest. */
  readonly folder?: { readonly dir: string; readonly digest: string };
}

/** The image-folder spec of a config's dataset part (it must name `folder` and a `dir`). */
export function imageFolderSpec(dataset: DatasetSpec): ImageFolderSpec {
  return {
    name: 'folder',
    dir: dataset.dir as string,
    ...(dataset.size === undefined ? {} : { size: dataset.size }),
    ...(dataset.channels === undefined ? {} : { channels: dataset.channels }),
    ...(dataset.heldOut === undefined ? {} : { heldOut: dataset.heldOut }),
  };
}

/**
 * The facts of a config's dataset: the canonical ones (`datasetFacts`), an image folder's
 * from its listing (`imageFolderFacts`, read once per process while the files are
 * unchanged), or undefined for `synthetic`.
 */
export function datasetFactsOf(dataset: DatasetSpec): ConfigDatasetFacts | undefined {
  if (dataset.name === 'folder') {
    const facts = imageFolderFacts(imageFolderSpec(dataset));
    return { ...facts, folder: { dir: facts.dir, digest: facts.digest } };
  }
  const facts = datasetFacts[dataset.name];
  return facts === undefined ? undefined : { ...facts, labelled: true };
}
