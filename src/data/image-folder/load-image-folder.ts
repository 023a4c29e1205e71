import { readFileSync } from 'node:fs';
import { InputError } from '../../util/errors';
import type { DatasetPair, ImageDataset } from '../dataset';
import { decodeImage, imageDecoders } from './decode-image';
import { fitImage } from './fit-image';
import { imageCacheDir, openImageCache, writeImageCache } from './image-cache';
import type { ImageFolderSpec } from './image-folder-spec';
import { scanImageFolder, type FolderImage, type ImageFolderListing } from './scan-image-folder';

/** Options of `loadImageFolder`. */
export interface LoadImageFolderOptions {
  /** Folder of the decode cache (default `imageCacheDir()`). */
  cacheDir?: string;
  /** The folder digest a job expects (`ImageFolderListing.digest`): a folder that changed since is refused. */
  digest?: string;
  /** Largest image read, in pixels. */
  maxPixels?: number;
}

/** How the images of a folder were read: decoded now or taken from the cache. */
export interface ImageFolderReadStats {
  readonly decoded: number;
  readonly fromCache: number;
  /** The cache's files without extension. */
  readonly cache: string;
  readonly skipped: readonly string[];
}

/** An image folder's datasets, with the listing they come from and how they were read. */
export interface ImageFolderPair extends DatasetPair {
  readonly listing: ImageFolderListing;
  readonly read: ImageFolderReadStats;
}

/**
 * Reads an image folder (`ImageFolderSpec`) as a train/test pair: every image cropped and
 * resized by `fitImage` to `size` with `channels` channels, ids in the order of the sorted
 * file paths, labels by class folder (all 0 in a flat folder, which has `numClasses` 1 and
 * no class names). Decoded images are kept in a cache (`imageCacheDir()`) keyed by each
 * file's name, size and SHA-256: a second read decodes nothing, a changed file is decoded
 * again. Every bad file is an `InputError` naming it (see `scanImageFolder`, `decodeImage`).
 */
export function loadImageFolder(spec: ImageFolderSpec, options: LoadImageFolderOptions = {}): ImageFolderPair {
  const listing = scanImageFolder(spec, { maxPixels: options.maxPixels });
  if (options.digest !== undefined && options.digest !== listing.digest) {
    throw new InputError(`dataset.dir ${listing.dir}`, `the folder's content the job was planned with (digest ${options.digest.slice(0, 12)}...)`, `a folder that changed since (digest ${listing.digest.slice(0, 12)}...)`);
  }
  const { size, channels } = listing;
  const cache = openImageCache(options.cacheDir ?? imageCacheDir(), listing.dir, size, channels, imageDecoders);
  const all = [...listing.train, ...listing.test];
  const pixels: Uint8Array[] = [];
  let decoded = 0;
  for (const f of all) {
    const hit = cache.get(f.file, f.bytes, f.sha256);
    if (hit !== undefined) {
      pixels.push(hit);
      continue;
    }
    pixels.push(fitImage(decodeImage(readFileSync(f.path), f.path, { maxPixels: options.maxPixels }), size, channels));
    decoded++;
  }
  if (decoded > 0) {
    writeImageCache(cache, all.map((f, i) => ({ file: f.file, bytes: f.bytes, sha256: f.sha256, pixels: pixels[i] })), { folder: listing.dir, size, channels, decoders: imageDecoders });
  }
  const split = (files: readonly FolderImage[], from: number, source: 'train' | 'test'): ImageDataset => {
    const per = size[0] * size[1] * channels;
    const images = new Uint8Array(files.length * per);
    files.forEach((_, i) => images.set(pixels[from + i], i * per));
    return {
      name: 'folder',
      source,
      shape: [size[0], size[1], channels],
      images,
      labels: Int32Array.from(files, (f) => f.label),
      numClasses: listing.classNames?.length ?? 1,
      ...(listing.classNames === undefined ? {} : { classNames: listing.classNames }),
      files: files.map((f) => f.file),
    };
  };
  return {
    train: split(listing.train, 0, 'train'),
    test: split(listing.test, listing.train.length, 'test'),
    listing,
    read: { decoded, fromCache: all.length - decoded, cache: cache.path, skipped: listing.skipped },
  };
}
