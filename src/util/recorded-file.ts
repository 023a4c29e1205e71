import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { namesInDir } from './list-dir';

/** Format of a file's record (`<stem>.record.json` beside it). */
export const fileRecordFormat = 'sslmem-file-record/1';

/** What a file's record holds: the file's name (in the same folder), size and SHA-256. */
export interface FileRecord {
  readonly format: string;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Path of the record of the file at `path`: its name with the last extension replaced by `.record.json`. */
export function recordPathOf(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return join(dirname(path), `${dot > 0 ? name.slice(0, dot) : name}.record.json`);
}

/** The record text of `bytes` written as the file at `path`. */
export function fileRecordText(path: string, bytes: Uint8Array): string {
  const record: FileRecord = { format: fileRecordFormat, file: basename(path), bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  return `${JSON.stringify(record)}\n`;
}

/** The record of the file at `path`, or a problem saying why there is none. */
export function readFileRecord(path: string): FileRecord | string {
  const at = recordPathOf(path);
  let text: string;
  try {
    text = readFileSync(at, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'it has no size and SHA-256 record (written by an older sslmem, or cut off before its record)';
    throw error;
  }
  try {
    const record = JSON.parse(text) as FileRecord;
    if (record?.format === fileRecordFormat && record.file === basename(path) && Number.isInteger(record.bytes) && /^[0-9a-f]{64}$/.test(record.sha256)) return record;
  } catch {
    // reported below
  }
  return `its record ${at} is not a ${fileRecordFormat} record of it (damaged)`;
}

/** Checks the file at `path` against its record: undefined when its size and SHA-256 are those written, else what is wrong. */
export function checkRecordedFile(path: string): string | undefined {
  const record = readFileRecord(path);
  if (typeof record === 'string') return record;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'it is missing';
    throw error;
  }
  if (bytes.byteLength !== record.bytes) return `${bytes.byteLength} bytes, its record says ${record.bytes} (cut short or grown after the write)`;
  const found = createHash('sha256').update(bytes).digest('hex');
  if (found !== record.sha256) return `SHA-256 ${found.slice(0, 12)}..., its record says ${record.sha256.slice(0, 12)}... (changed after the write)`;
  return undefined;
}

/** The files of `dir` that have a record (named in `*.record.json`), sorted; empty when `dir` does not exist. */
export function recordedFiles(dir: string): string[] {
  const names = namesInDir(dir);
  const files: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.record.json') && !n.startsWith('.'))) {
    try {
      const record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as FileRecord;
      if (typeof record?.file === 'string' && basename(record.file) === record.file) files.push(join(dir, record.file));
    } catch {
      files.push(join(dir, `${name.slice(0, -'.record.json'.length)}.?`));
    }
  }
  return files.sort();
}
