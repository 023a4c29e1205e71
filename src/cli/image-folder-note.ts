import { basename, dirname, join, resolve } from 'node:path';
import type { DatasetPair } from '../data/dataset';
import type { ImageFolderPair } from '../data/image-folder/load-image-folder';

/**
 * With `--runs DIR` (and no `$SSLMEM_IMAGE_CACHE`): the decode cache of image folders goes
 * beside that run store (`DIR-image-cache`), for this command and the training threads it
 * starts. `main` puts the variable back afterwards.
 */
export function useImageCacheBeside(runs: string | undefined): void {
  if (runs === undefined || (process.env.SSLMEM_IMAGE_CACHE ?? '') !== '') return;
  const store = resolve(runs);
  process.env.SSLMEM_IMAGE_CACHE = join(dirname(store), `${basename(store)}-image-cache`);
}

/** The progress note of an image folder: classes, images decoded now or taken from the cache, files skipped. */
export function imageFolderNote(pair: DatasetPair): string | undefined {
  if (!('listing' in pair) || !('read' in pair)) return undefined;
  const { listing, read } = pair as ImageFolderPair;
  const classes = listing.classNames === undefined ? 'flat (no labels)' : `${listing.classNames.length} classes (${listing.classNames.slice(0, 5).join(', ')}${listing.classNames.length > 5 ? ', ...' : ''})`;
  const skipped = read.skipped.length === 0 ? '' : `; skipped ${read.skipped.length} file(s) that are not .png/.jpg/.jpeg or are hidden, e.g. ${read.skipped[0]}`;
  const test = listing.testFrom === 'folder' ? 'test/' : 'held out';
  return (
    `images: ${listing.dir}, ${classes}, ${listing.train.length} train + ${listing.test.length} test (${test}), ` +
    `${listing.size[0]}x${listing.size[1]}x${listing.channels}; ${read.decoded} decoded, ${read.fromCache} from the cache ${read.cache}${skipped}`
  );
}
