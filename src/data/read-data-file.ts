import { existsSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../util/errors';

/** True when `bytes` start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a whole data file into memory, gunzipping it when it is gzip'd (detected by the
 * magic number, so `x.gz` and a gzip'd file without the suffix both work).
 * A missing or corrupt file throws an `InputError` naming it.
 */
export async function readDataFile(path: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = plainBytes(await readFile(path));
  } catch (error) {
    throw new InputError(path, 'a readable file', describeFsError(error));
  }
  if (!isGzip(raw)) return raw;
  try {
    return plainBytes(gunzipSync(raw));
  } catch (error) {
    throw new InputError(path, 'a complete gzip stream', `a gzip error (${(error as Error).message})`);
  }
}

/**
 * Reads `length` bytes of a file starting at byte `start` (no gunzip), for files too big
 * to read whole (STL-10's unlabeled split is 2.7 GB). Throws an `InputError` when the
 * file holds fewer bytes.
 */
export async function readFileRange(path: string, start: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(path, 'a readable file', describeFsError(error));
  }
  try {
    let done = 0;
    while (done < length) {
      const chunk = Math.min(length - done, 1 << 26);
      const { bytesRead } = await handle.read(out, done, chunk, start + done);
      if (bytesRead === 0) {
        throw new InputError(path, `${length} bytes from byte ${start}`, `the file ends after ${start + done} bytes`);
      }
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return out;
}

/**
 * The first of `names` (each tried as is and with `.gz` appended) that exists as a file in
 * `dir`, as a full path; `undefined` when none does.
 */
export function findDataFile(dir: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) {
      const path = join(dir, candidate);
      if (existsSync(path) && statSync(path).isFile()) return path;
    }
  }
  return undefined;
}

/**
 * The folder that holds a dataset's files: `dir` itself when it contains `marker`, else
 * `dir/<sub>` for the first of `subfolders` that does (an archive extracted by hand keeps
 * its top folder, e.g. `cifar-10-batches-bin/`). `undefined` when neither does.
 */
export function resolveDataFolder(dir: string, marker: readonly string[], subfolders: readonly string[]): string | undefined {
  for (const folder of [dir, ...subfolders.map((sub) => join(dir, sub))]) {
    if (findDataFile(folder, marker) !== undefined) return folder;
  }
  return undefined;
}

/** Size in bytes of a file, or `undefined` when it does not exist. */
export function fileSize(path: string): number | undefined {
  return existsSync(path) ? statSync(path).size : undefined;
}

/** A plain `Uint8Array` view of a `Buffer` (whose `slice` would not copy, unlike `Uint8Array`'s). */
function plainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a folder';
  return `an error (${(error as Error).message})`;
}
