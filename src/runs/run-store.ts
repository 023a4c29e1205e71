import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { check, InputError } from '../util/errors';
import { canonicalJson } from './canonical-json';
import { libraryVersion } from './library-version';
import { runKey } from './run-key';

/** Contents of one stored file: bytes (any typed array, written as its raw bytes) or UTF-8 text. */
export type RunFileContent = Uint8Array | ArrayBufferView | string;

/** The files of a run by relative name (`/` makes sub-folders), e.g. `{ 'history.csv': csv, 'encoder.safetensors': bytes }`. */
export type RunFiles = Readonly<Record<string, RunFileContent>>;

/** A run found in the store; files are read on demand. */
export interface StoredRun {
  readonly kind: string;
  readonly key: string;
  /** The run's folder. */
  readonly dir: string;
  /** Names of the stored files (without `config.json` and `run.json`), sorted. */
  readonly files: readonly string[];
  /** The config the run was stored under, as read back from `config.json`. */
  readonly config: unknown;
  /** Absolute path of a stored file, e.g. for `readSafetensorsFile`. */
  path(name: string): string;
  /** A stored file's bytes. */
  read(name: string): Uint8Array;
  /** A stored file as UTF-8 text. */
  readText(name: string): string;
  /** A stored file parsed as JSON. */
  readJson<T = unknown>(name: string): T;
}

/** Options of `RunStore.put`. */
export interface PutOptions {
  /** When the run exists already: replace it (default true; the last writer wins) or keep it (false). */
  replace?: boolean;
}

/**
 * A content-addressed store of computed things (encoders, histories, score tables):
 * `<root>/<kind>/<runKey(config)>/` holds the files plus `config.json` and `run.json`.
 * Writes are atomic (a temporary folder renamed into place): readers and concurrent
 * writers of the same key see either no run or a complete one, never a partial one.
 */
export interface RunStore {
  /** Absolute root folder. */
  readonly root: string;
  /** Whether a complete run of `kind` for `config` exists. */
  has(kind: string, config: unknown): boolean;
  /** The stored run of `kind` for `config`, or undefined. */
  get(kind: string, config: unknown): StoredRun | undefined;
  /** Stores `files` as the run of `kind` for `config` (atomically) and returns it. */
  put(kind: string, config: unknown, files: RunFiles, options?: PutOptions): StoredRun;
  /** Deletes the run; returns whether there was one. */
  remove(kind: string, config: unknown): boolean;
  /** Folder the run of `kind` for `config` has (or would have). */
  dir(kind: string, config: unknown): string;
  /** Keys of the complete runs of `kind`, sorted. */
  keys(kind: string): string[];
}

/** Files the store writes itself beside a run's files. */
export const reservedRunFiles: readonly string[] = ['config.json', 'run.json'];

/** The default store root: `$SSLMEM_RUNS`, else `runs` in the working directory. */
export function defaultRunRoot(): string {
  return process.env.SSLMEM_RUNS || 'runs';
}

/** Opens (lazily creates) a run store under `root`. */
export function runStore(root: string = defaultRunRoot()): RunStore {
  const base = resolve(root);
  const dir = (kind: string, config: unknown): string => join(base, checkKind(kind), runKey(config));
  const open = (kind: string, key: string, folder: string): StoredRun | undefined => {
    if (!existsSync(join(folder, 'run.json'))) return undefined;
    const files = listFiles(folder).filter((f) => !reservedRunFiles.includes(f));
    const path = (name: string): string => {
      check(files.includes(name), `run ${kind}/${key}: file`, `one of ${files.join(', ') || '(none)'}`, JSON.stringify(name));
      return join(folder, name);
    };
    return {
      kind,
      key,
      dir: folder,
      files,
      config: JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as unknown,
      path,
      read: (name) => new Uint8Array(readFileSync(path(name))),
      readText: (name) => readFileSync(path(name), 'utf8'),
      readJson: <T>(name: string) => JSON.parse(readFileSync(path(name), 'utf8')) as T,
    };
  };
  return {
    root: base,
    dir,
    has: (kind, config) => existsSync(join(dir(kind, config), 'run.json')),
    get: (kind, config) => open(kind, runKey(config), dir(kind, config)),
    put(kind, config, files, options = {}) {
      const key = runKey(config);
      const target = dir(kind, config);
      const names = Object.keys(files).sort();
      names.forEach((name) => checkFileName(name, `runStore.put(${kind}): files`));
      const configText = `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;
      mkdirSync(dirname(target), { recursive: true });
      const tmp = join(dirname(target), `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(6).toString('hex')}`);
      try {
        mkdirSync(tmp);
        for (const name of names) {
          const file = join(tmp, name);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, toBytes(files[name]!, `runStore.put(${kind}): files[${JSON.stringify(name)}]`));
        }
        writeFileSync(join(tmp, 'config.json'), configText);
        writeFileSync(join(tmp, 'run.json'), `${JSON.stringify({ kind, key, version: libraryVersion(), files: names }, null, 2)}\n`);
        moveIntoPlace(tmp, target, options.replace ?? true);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      return openAfterPut(() => open(kind, key, target), target);
    },
    remove(kind, config) {
      const target = dir(kind, config);
      if (!existsSync(target)) return false;
      const trash = `${target}.old-${process.pid}-${randomBytes(6).toString('hex')}`;
      try {
        renameSync(target, trash);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
      rmSync(trash, { recursive: true, force: true });
      return true;
    },
    keys(kind) {
      const folder = join(base, checkKind(kind));
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((name) => /^[0-9a-f]{64}$/.test(name) && existsSync(join(folder, name, 'run.json')))
        .sort();
    },
  };
}

/**
 * Opens the run just put. Another writer replacing the same key may have moved it aside
 * for a moment (no `run.json`, or a file vanishing while listed): wait briefly and retry.
 */
function openAfterPut(open: () => StoredRun | undefined, target: string): StoredRun {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const run = open();
      if (run !== undefined) return run;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    Atomics.wait(pause, 0, 0, 5);
  }
  throw new Error(`runStore.put: ${target} kept disappearing (another writer keeps replacing it)`);
}

/**
 * Renames the finished folder `tmp` to `target`. If `target` exists, either keep it
 * (`replace` false: the other writer's run is as valid as ours) or move it aside first and
 * retry, so the last writer wins; readers never see a partial folder.
 */
function moveIntoPlace(tmp: string, target: string, replace: boolean): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(tmp, target);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EACCES') throw e;
      if (!replace) return;
      if (attempt >= 10) throw e;
    }
    const trash = `${target}.old-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      renameSync(target, trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      continue;
    }
    rmSync(trash, { recursive: true, force: true });
  }
}

function checkKind(kind: string): string {
  check(typeof kind === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(kind), 'runStore: kind', 'a name of letters, digits, - and _ (e.g. encoder)', JSON.stringify(kind));
  return kind;
}

function checkFileName(name: string, where: string): void {
  const parts = name.split('/');
  const ok = name.length > 0 && !name.includes('\\') && parts.every((p) => p !== '' && p !== '.' && p !== '..' && !p.startsWith('.tmp-'));
  if (!ok) throw new InputError(where, 'a relative file name without "..", "." or empty parts (use "/" for folders)', JSON.stringify(name));
  if (reservedRunFiles.includes(name)) throw new InputError(where, `a name other than ${reservedRunFiles.join(' and ')} (the store writes those)`, JSON.stringify(name));
}

function toBytes(content: RunFileContent, where: string): Uint8Array | string {
  if (typeof content === 'string' || content instanceof Uint8Array) return content;
  if (!ArrayBuffer.isView(content)) throw new InputError(where, 'a string or a typed array', typeof content);
  return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
}

function listFiles(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(folder, name) : [name];
    })
    .sort();
}
