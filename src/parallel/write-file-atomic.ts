import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { withStorageContext } from '../util/storage-error';
import { tempPathFor } from '../util/temp-files';

/**
 * Writes `data` to `path` atomically: into a temporary file next to it, then a rename, so
 * readers (and a task cancelled half-way) see either the old file or the whole new one,
 * never a half-written one. Creates the parent folder when missing. A disk-full or
 * permission fault is a `StorageError` naming the path and the size.
 */
export function writeFileAtomic(path: string, data: string | NodeJS.ArrayBufferView): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = tempPathFor(path);
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  withStorageContext({ path, what: 'a file', bytes }, () => {
    try {
      writeFileSync(temp, data);
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  });
}
