/** Error codes of a storage fault: the disk is full, the place is not writable, or the quota is spent. */
const storageCodes: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large for the file system',
};

/** What was being written when a storage fault happened, for its message. */
export interface StorageContext {
  /** The file or folder written. */
  readonly path: string;
  /** What it is, e.g. `the checkpoint of epoch 20` or `output scores.csv`. */
  readonly what: string;
  /** How many bytes were being written, when known. */
  readonly bytes?: number;
}

/**
 * A file-system write that failed for lack of space or permission, with the path, what
 * was being written and how much: `could not write the encoder run (10.8 MB) to
 * runs/encoder/ab12...: no space left on the device (ENOSPC)`. `code` keeps the system code.
 */
export class StorageError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(readonly context: StorageContext, cause: NodeJS.ErrnoException) {
    const code = cause.code ?? 'EIO';
    const size = context.bytes === undefined ? '' : ` (${formatSize(context.bytes)})`;
    const hint = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? ': free space there or choose another folder' : ': choose a folder you can write to';
    super(`could not write ${context.what}${size} to ${context.path}: ${storageCodes[code] ?? cause.message} (${code})${hint}`, { cause });
    this.name = 'StorageError';
    this.code = code;
    this.path = context.path;
  }
}

/** Whether `error` is a file-system fault of space or permission (ENOSPC, EDQUOT, EACCES, EPERM, EROFS, EFBIG). */
export function isStorageFault(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in storageCodes && !(error instanceof StorageError);
}

/**
 * Runs `write` and turns a storage fault it throws into a `StorageError` naming the path,
 * what was written and how much; other errors (and `StorageError`s from deeper down) pass
 * through as they are. The one place where sslmem words disk-full and permission errors.
 */
export function withStorageContext<T>(context: StorageContext | (() => StorageContext), write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isStorageFault(error)) throw new StorageError(typeof context === 'function' ? context() : context, error);
    throw error;
  }
}

/** The async form of `withStorageContext`. */
export async function withStorageContextAsync<T>(context: StorageContext | (() => StorageContext), write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isStorageFault(error)) throw new StorageError(typeof context === 'function' ? context() : context, error);
    throw error;
  }
}

/** Bytes as `10.8 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1e3;
  let unit = 0;
  while (value >= 1e3 && unit < units.length - 1) {
    value /= 1e3;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
