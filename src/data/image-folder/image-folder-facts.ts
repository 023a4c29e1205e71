import type { DatasetFacts } from '../dataset-facts';
import type { ImageFolderSpec } from './image-folder-spec';
import { scanImageFolder } from './scan-image-folder';

/** What a config needs of an image folder before it is decoded: `DatasetFacts` plus whether it has labels, and its digest. */
export interface ImageFolderFacts extends DatasetFacts {
  /** The folder, resolved. */
  readonly dir: string;
  /** False for a flat folder (one class, no names): probes and label memorization refuse it. */
  readonly labelled: boolean;
  /** Changes with any file (`ImageFolderListing.digest`). */
  readonly digest: string;
}

/** The sizes, shape, classes and digest of an image folder, from its listing (`scanImageFolder`; nothing is decoded). */
export function imageFolderFacts(spec: ImageFolderSpec): ImageFolderFacts {
  const listing = scanImageFolder(spec);
  return {
    trainSize: listing.train.length,
    testSize: listing.test.length,
    shape: [listing.size[0], listing.size[1], listing.channels],
    numClasses: listing.classNames?.length ?? 1,
    dir: listing.dir,
    labelled: listing.classNames !== undefined,
    digest: listing.digest,
  };
}
