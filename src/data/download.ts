import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InputError } from '../util/errors';
import { defaultDatasetDir } from './data-dir';
import { datasetSources, type DatasetSource, type RemoteFile, type SourcedDatasetName } from './sources';
import { extractTar } from './tar';

/** The part of a fetch `Response` that downloads use. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText?: string;
  /** The body as a web `ReadableStream` or any async iterable of byte chunks. */
  readonly body: AsyncIterable<Uint8Array> | { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } } | null;
}

/** A `fetch` (the global one by default; inject another for tests or proxies). */
export type FetchLike = (url: string) => Promise<FetchResponse>;

/** Progress of a download, reported through `onProgress`. */
export interface DownloadProgress {
  /** Dataset name. */
  dataset: string;
  /** File being worked on. */
  file: string;
  /** What is happening. */
  phase: 'download' | 'verified' | 'extract' | 'done';
  /** Bytes received so far (download) or written (extract). */
  bytes: number;
}

/** Options of `downloadDataset`. */
export interface DownloadOptions {
  /** Folder to fill (default `data/<name>`, or `$SSLMEM_DATA_DIR/<name>`). */
  dir?: string;
  /** How to fetch (default: the global `fetch`). */
  fetchImpl?: FetchLike;
  /** Replace a folder that exists already. Default false: a complete folder is kept, an incomplete one is an error. */
  overwrite?: boolean;
  /** Where to download from and which checksums to expect (default `datasetSources[name]`). */
  source?: DatasetSource;
  /** Called as the download goes (at most about once per 8 MiB). */
  onProgress?: (event: DownloadProgress) => void;
}

/** What `downloadDataset` did. */
export interface DownloadResult {
  /** Dataset name. */
  name: string;
  /** Its folder. */
  dir: string;
  /** True when the folder was complete already and nothing was downloaded. */
  skipped: boolean;
  /** Files now in the folder (relative paths). */
  files: string[];
}

/**
 * Downloads a dataset from its canonical source into its folder: verifies each download
 * against its published checksum, extracts `tar.gz` archives (dropping their top folder),
 * and checks the sizes of the files the loader needs. Everything is written to a temporary
 * folder next to the target and renamed into place at the end, so a failure (network,
 * checksum, disk) leaves no partial files behind.
 */
export async function downloadDataset(name: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  if (options.source === undefined && !Object.hasOwn(datasetSources, name)) {
    throw new InputError('downloadDataset name', `one of ${Object.keys(datasetSources).join(', ')}`, JSON.stringify(name));
  }
  const source: DatasetSource = options.source ?? datasetSources[name as SourcedDatasetName];
  const dir = resolve(options.dir ?? defaultDatasetDir(name));
  const fetchImpl = options.fetchImpl ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (fetchImpl === undefined) throw new InputError('downloadDataset', 'a global fetch (Node >= 18) or options.fetchImpl', 'none');
  const report = options.onProgress ?? (() => undefined);
  if (existsSync(dir) && !options.overwrite) {
    const missing = missingFiles(dir, source);
    if (missing.length === 0) return { name, dir, skipped: true, files: presentFiles(dir, source) };
    throw new InputError(dir, 'no folder, or a complete one (pass overwrite: true to replace it)', `an incomplete folder (${missing[0]})`);
  }
  await mkdir(dirname(dir), { recursive: true });
  const temp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.partial-`));
  try {
    for (const remote of source.downloads) {
      const target = join(temp, remote.file);
      await fetchToFile(remote, target, fetchImpl, (bytes) => report({ dataset: name, file: remote.file, phase: 'download', bytes }));
      report({ dataset: name, file: remote.file, phase: 'verified', bytes: statSync(target).size });
      if (remote.kind === 'tar.gz') {
        const file = createReadStream(target);
        const gunzip = createGunzip();
        file.on('error', (error) => gunzip.destroy(error));
        try {
          await extractTar(file.pipe(gunzip), temp, { strip: remote.archiveFolder !== undefined ? 1 : 0, where: remote.file });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (error instanceof InputError || code === undefined || !code.startsWith('Z_')) throw error;
          throw new InputError(remote.file, 'a complete gzip stream', `a gzip error (${(error as Error).message})`);
        } finally {
          file.destroy();
          gunzip.destroy();
        }
        await rm(target);
        report({ dataset: name, file: remote.file, phase: 'extract', bytes: 0 });
      }
    }
    const missing = missingFiles(temp, source);
    if (missing.length > 0) {
      throw new InputError(`${name} download`, `the files ${source.files.filter((f) => !f.optional).map((f) => f.file).join(', ')}`, missing.join('; '));
    }
    if (existsSync(dir)) {
      const old = `${temp}.old`;
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  report({ dataset: name, file: '', phase: 'done', bytes: 0 });
  return { name, dir, skipped: false, files: presentFiles(dir, source) };
}

/**
 * Which of a dataset's required files are missing from `dir` or have the wrong size
 * (one line each); empty when the folder is complete.
 */
export function missingFiles(dir: string, source: DatasetSource): string[] {
  const problems: string[] = [];
  for (const file of source.files) {
    if (file.optional) continue;
    const path = join(dir, file.file);
    if (!existsSync(path)) problems.push(`${file.file}: missing`);
    else if (file.bytes !== undefined && statSync(path).size !== file.bytes) {
      problems.push(`${file.file}: ${statSync(path).size} bytes instead of ${file.bytes}`);
    }
  }
  return problems;
}

function presentFiles(dir: string, source: DatasetSource): string[] {
  return source.files.map((f) => f.file).filter((f) => existsSync(join(dir, f)));
}

async function fetchToFile(remote: RemoteFile, path: string, fetchImpl: FetchLike, onBytes: (bytes: number) => void): Promise<void> {
  let response: FetchResponse;
  try {
    response = await fetchImpl(remote.url);
  } catch (error) {
    throw new InputError(remote.url, 'a reachable URL', `a network error (${(error as Error).message})`);
  }
  if (!response.ok) throw new InputError(remote.url, 'HTTP status 200', `HTTP ${response.status} ${response.statusText ?? ''}`.trim());
  if (response.body === null) throw new InputError(remote.url, 'a response body', 'none');
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  const handle = await open(path, 'w');
  let bytes = 0;
  let reported = 0;
  try {
    for await (const chunk of iterateBody(response.body)) {
      md5.update(chunk);
      sha256.update(chunk);
      await handle.write(chunk);
      bytes += chunk.length;
      if (bytes - reported >= 8 << 20) {
        reported = bytes;
        onBytes(bytes);
      }
    }
  } finally {
    await handle.close();
  }
  onBytes(bytes);
  if (remote.bytes !== undefined && bytes !== remote.bytes) {
    throw new InputError(remote.url, `${remote.bytes} bytes`, `${bytes} bytes (download cut short or file changed upstream)`);
  }
  const checks: [string, string | undefined, string][] = [
    ['MD5', remote.md5, md5.digest('hex')],
    ['SHA-256', remote.sha256, sha256.digest('hex')],
  ];
  for (const [kind, expected, actual] of checks) {
    if (expected !== undefined && expected.toLowerCase() !== actual) {
      throw new InputError(remote.url, `${kind} ${expected.toLowerCase()} (published checksum of ${remote.file})`, `${kind} ${actual}: the download is corrupt or changed upstream`);
    }
  }
}

async function* iterateBody(body: NonNullable<FetchResponse['body']>): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
    return;
  }
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (value !== undefined) yield value;
  }
}
