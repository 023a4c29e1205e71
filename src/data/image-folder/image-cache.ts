import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Where decoded image folders are cached: `$SSLMEM_IMAGE_CACHE` when set, else a folder
 * beside the run store (`$SSLMEM_RUNS` or `runs`) named `<store>-image-cache`, e.g.
 * `runs-image-cache/`.
 */
export function imageCacheDir(): string {
  const fromEnv = process.env.SSLMEM_IMAGE_CACHE;
  if (fromEnv !== undefined && fromEnv.length > 0) return resolve(fromEnv);
  const store = resolve(process.env.SSLMEM_RUNS || 'runs');
  return join(dirname(store), `${basename(store)}-image-cache`);
}

/** One decoded image in a cache: the file's name, size and SHA-256, and where its pixels start. */
export interface CachedImage {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly offset: number;
}

/** The decoded images of one folder at one size and channel count. */
export interface ImageCache {
  /** The cache's files without extension (`.json` manifest, `.bin` pixels). */
  readonly path: string;
  /** Pixels of an image, by `cacheEntryKey`. */
  get(file: string, bytes: number, sha256: string): Uint8Array | undefined;
}

/** The lookup key of an image: its name, size and SHA-256 (a changed or renamed file misses). */
export function cacheEntryKey(file: string, bytes: number, sha256: string): string {
  return `${sha256}:${bytes}:${file}`;
}

function cachePath(cacheDir: string, folder: string, size: readonly [number, number], channels: number, decoders: string): string {
  const id = createHash('sha256').update(JSON.stringify({ folder, size, channels, decoders, format: 1 })).digest('hex').slice(0, 32);
  return join(cacheDir, id);
}

/** Opens the cache of `folder` at `size` and `channels` (empty when there is none, or it is unreadable). */
export function openImageCache(cacheDir: string, folder: string, size: readonly [number, number], channels: 1 | 3, decoders: string): ImageCache {
  const path = cachePath(cacheDir, folder, size, channels, decoders);
  const per = size[0] * size[1] * channels;
  const index = new Map<string, number>();
  let pixels = new Uint8Array(0);
  try {
    if (existsSync(`${path}.json`) && existsSync(`${path}.bin`)) {
      const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { entries: CachedImage[] };
      const bin = readFileSync(`${path}.bin`);
      if (Array.isArray(manifest.entries) && manifest.entries.every((e) => e.offset + per <= bin.length)) {
        pixels = new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength);
        for (const e of manifest.entries) index.set(cacheEntryKey(e.file, e.bytes, e.sha256), e.offset);
      }
    }
  } catch {
    index.clear();
  }
  return {
    path,
    get: (file, bytes, sha256) => {
      const offset = index.get(cacheEntryKey(file, bytes, sha256));
      return offset === undefined ? undefined : pixels.subarray(offset, offset + per);
    },
  };
}

/**
 * Writes a folder's cache anew: the manifest (`entries`, in order) and the pixels of each,
 * `per` bytes apiece, each file written beside and renamed in (a crash leaves the old cache
 * or none). Returns the size of the pixel file in bytes.
 */
export function writeImageCache(cache: ImageCache, entries: ReadonlyArray<{ file: string; bytes: number; sha256: string; pixels: Uint8Array }>, meta: Record<string, unknown>): number {
  mkdirSync(dirname(cache.path), { recursive: true });
  const per = entries.length > 0 ? entries[0].pixels.length : 0;
  const bin = new Uint8Array(entries.length * per);
  entries.forEach((e, i) => bin.set(e.pixels, i * per));
  const manifest = { ...meta, entries: entries.map((e, i) => ({ file: e.file, bytes: e.bytes, sha256: e.sha256, offset: i * per })) };
  const tag = `${process.pid}-${Date.now()}`;
  // The manifest goes last: a reader that finds it finds pixels at least as long.
  rmSync(`${cache.path}.json`, { force: true });
  writeFileSync(`${cache.path}.bin.${tag}`, bin);
  renameSync(`${cache.path}.bin.${tag}`, `${cache.path}.bin`);
  writeFileSync(`${cache.path}.json.${tag}`, `${JSON.stringify(manifest)}\n`);
  renameSync(`${cache.path}.json.${tag}`, `${cache.path}.json`);
  return bin.length;
}
