import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

let counter = 0;

/**
 * Writes `data` to `path` atomically: into a temporary file next to it, then a rename, so
 * readers (and a task cancelled half-way) see either the old file or the whole new one,
 * never a half-written one. Creates the parent folder when missing.
 */
export function writeFileAtomic(path: string, data: string | NodeJS.ArrayBufferView): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}-${threadId}-${counter++}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
