import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { check, InputError } from '../util/errors';
import { withStorageContext } from '../util/storage-error';
import { ownerIsGone, tempOwner, tempTag } from '../util/temp-files';
import { canonicalJson } from './canonical-json';
import { libraryVersion } from './library-version';
import { runKey } from './run-key';

/** Contents of one stored file: bytes (any typed array, written as its raw bytes) or UTF-8 text. */
export type RunFileContent = Uint8Array | ArrayBufferView | string;

/** The files of a run by relative name (`/` makes sub-folders), e.g. `{ 'history.csv': csv, 'encoder.safetensors': bytes }`. */
export type RunFiles = Readonly<Record<string, RunFileContent>>;

/** A run found in the store, its files checked against their recorded SHA-256; files are read on demand. */
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

/** A file `put` moves into the run instead of writing it (see `PutOptions.move`). */
export interface MovedFile {
  /** Where the file is now (on the store's file system, e.g. in the run's work folder). */
  readonly from: string;
  /** The SHA-256 it was written with, when recorded: a file that no longer has it is refused. */
  readonly sha256?: string;
}

/** Options of `RunStore.put`. */
export interface PutOptions {
  /** When the run exists already: replace it (default true; the last writer wins) or keep it (false). */
  replace?: boolean;
  /**
   * Files renamed into the run (by run file name) rather than copied, so storing them
   * takes no second copy's space (e.g. the checkpoints of a finished work folder). They
   * go back where they were when the put fails.
   */
  move?: Readonly<Record<string, MovedFile>>;
}

/** A stored run that failed its check (see `RunStoreOptions.onDamaged`). */
export interface DamagedRun {
  readonly kind: string;
  readonly key: string;
  /** The run's folder (already removed when reported by `get`/`has`). */
  readonly dir: string;
  /** What is wrong, e.g. `file scores.csv: 5120 bytes, run.json records 8191`. */
  readonly problem: string;
}

/** Options of `runStore`. */
export interface RunStoreOptions {
  /**
   * Called when `get` or `has` finds a damaged or incomplete run, which is then removed so
   * that it is computed again. Default: a process warning (`process.emitWarning`).
   */
  onDamaged?: (report: DamagedRun) => void;
  /** Remove temporaries of gone processes on opening (once per process and root). Default true. */
  sweep?: boolean;
  /**
   * Where users of the store report what they worked around (e.g. a run that could not be
   * stored, whose value was used anyway). Default: a process warning.
   */
  onWarning?: (message: string) => void;
}

/**
 * A content-addressed store of computed things (encoders, histories, score tables):
 * `<root>/<kind>/<runKey(config)>/` holds the files plus `config.json` and `run.json`, which
 * records every file's size and SHA-256. Writes are atomic (a temporary folder renamed into
 * place): readers and concurrent writers of the same key see either no run or a complete
 * one. Reads check every file against its record, so a file damaged or cut short after the
 * write is found before its numbers are used.
 */
export interface RunStore {
  /** Absolute root folder. */
  readonly root: string;
  /** Reports something worked around to the store's owner (`RunStoreOptions.onWarning`). */
  warn(message: string): void;
  /** Whether a complete, undamaged run of `kind` for `config` exists (a damaged one is removed and reported). */
  has(kind: string, config: unknown): boolean;
  /** The stored run of `kind` for `config`, or undefined (a damaged one is removed and reported). */
  get(kind: string, config: unknown): StoredRun | undefined;
  /**
   * Stores `files` (and the files of `options.move`) as the run of `kind` for `config`
   * (atomically) and returns it; removes the run's work folder. A disk-full or permission
   * fault is a `StorageError` naming the run folder and the size of the run.
   */
  put(kind: string, config: unknown, files: RunFiles, options?: PutOptions): StoredRun;
  /** Deletes the run; returns whether there was one. */
  remove(kind: string, config: unknown): boolean;
  /** Folder the run of `kind` for `config` has (or would have). */
  dir(kind: string, config: unknown): string;
  /**
   * A folder for the resumable partial work of the run of `kind` for `config` (e.g. a
   * training's checkpoints), beside the run: created with the config in it, kept across
   * interruptions so a new attempt resumes, and removed when the run is put.
   */
  workDir(kind: string, config: unknown): string;
  /** Keys of the work folders of `kind` (runs in progress or interrupted), sorted. */
  workKeys(kind: string): string[];
  /** Folder of the work of a stored or future run by kind and key (`<kind>/<key>.work`), which may not exist. */
  workDirOf(kind: string, key: string): string;
  /**
   * The lock file of the run of `kind` for `config` (`<kind>/<key>.lock`, see
   * `acquireRunLock`): held by the process computing the run, so others wait and reuse it.
   */
  lockPath(kind: string, config: unknown): string;
  /** Keys that have a lock file in `kind`, sorted. */
  lockKeys(kind: string): string[];
  /** Deletes the work folder of a key; returns whether there was one. */
  removeWork(kind: string, key: string): boolean;
  /** Keys of the runs of `kind` that have a `run.json` (checked or not), sorted. */
  keys(kind: string): string[];
  /** Kinds present in the store, sorted. */
  kinds(): string[];
  /** Checks one stored run by kind and key: undefined when it is complete and every file matches its record, else the problem. */
  check(kind: string, key: string): string | undefined;
  /** The config a stored run (or, with `'work'`, a work folder) was made for (its `config.json`), or undefined when unreadable. */
  configOf(kind: string, key: string, where?: 'run' | 'work'): unknown;
  /** Deletes a run by kind and key (e.g. a damaged or stale one); returns whether there was one. */
  removeKey(kind: string, key: string): boolean;
  /**
   * Temporaries (unfinished writes) left in the store by processes that are gone, and
   * removes them unless `dryRun`; returns their paths. Done once per process and root
   * when the store is opened.
   */
  sweep(options?: { dryRun?: boolean }): string[];
}

/** Files the store writes itself beside a run's files. */
export const reservedRunFiles: readonly string[] = ['config.json', 'run.json'];

/** Format of `run.json`. */
export const runRecordFormat = 'sslmem-run/2';

/** What `run.json` holds. */
interface RunRecord {
  readonly format: string;
  readonly kind: string;
  readonly key: string;
  readonly version: string;
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}

/** The default store root: `$SSLMEM_RUNS`, else `runs` in the working directory. */
export function defaultRunRoot(): string {
  return process.env.SSLMEM_RUNS || 'runs';
}

const swept = new Set<string>();
/** Folders (by path) checked sound in this process, with the file sizes and times they had then. */
const checkedSound = new Map<string, string>();

const keyPattern = /^[0-9a-f]{64}$/;

/** Opens (lazily creates) a run store under `root`; removes temporaries of processes that are gone. */
export function runStore(root: string = defaultRunRoot(), options: RunStoreOptions = {}): RunStore {
  const base = resolve(root);
  const onDamaged = options.onDamaged ?? ((r: DamagedRun) => process.emitWarning(`removed the damaged run ${r.dir} to compute it again: ${r.problem}`, 'SslmemRunStoreWarning'));
  const kindDir = (kind: string): string => join(base, checkKind(kind));
  const dir = (kind: string, config: unknown): string => join(kindDir(kind), runKey(config));

  const open = (kind: string, key: string, folder: string): StoredRun | undefined => {
    let problem: string | undefined;
    try {
      problem = checkFolder(folder, kind, key);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // replaced under our feet: not there
      throw e;
    }
    if (problem === 'absent') return undefined;
    if (problem !== undefined) {
      if (removeFolder(folder)) onDamaged({ kind, key, dir: folder, problem });
      return undefined;
    }
    let files: string[];
    try {
      files = listFiles(folder).filter((f) => !reservedRunFiles.includes(f));
      const recorded = Object.keys((JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord).files).sort();
      // A writer replaced the run between the check and the listing: then it was not there.
      if (recorded.join('\n') !== files.join('\n')) return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return undefined;
      throw e;
    }
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

  const store: RunStore = {
    root: base,
    warn: options.onWarning ?? ((message) => process.emitWarning(message, 'SslmemRunStoreWarning')),
    dir,
    has: (kind, config) => open(kind, runKey(config), dir(kind, config)) !== undefined,
    get: (kind, config) => open(kind, runKey(config), dir(kind, config)),
    put(kind, config, files, putOptions = {}) {
      const key = runKey(config);
      const target = dir(kind, config);
      const move = putOptions.move ?? {};
      const names = Object.keys(files).sort();
      const movedNames = Object.keys(move).sort();
      for (const name of [...names, ...movedNames]) checkFileName(name, `runStore.put(${kind}): files`);
      for (const name of movedNames) if (names.includes(name)) throw new InputError(`runStore.put(${kind}): move[${JSON.stringify(name)}]`, 'a name not also in files', 'both');
      const configText = `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;
      const contents = names.map((name) => toBytes(files[name]!, `runStore.put(${kind}): files[${JSON.stringify(name)}]`));
      const total =
        contents.reduce((n, c) => n + (typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength), 0) +
        movedNames.reduce((n, name) => n + (statSync(move[name]!.from, { throwIfNoEntry: false })?.size ?? 0), 0);
      const context = () => ({ path: target, what: `the ${kind} run (${names.length + movedNames.length} files${movedNames.length > 0 ? `, ${movedNames.length} moved from its work folder` : ''})`, bytes: total });
      const moved: Array<{ from: string; to: string }> = [];
      let tmp = '';
      try {
        withStorageContext(context, () => {
          mkdirSync(dirname(target), { recursive: true });
          tmp = join(dirname(target), `.tmp-${key.slice(0, 16)}-${tempTag()}`);
          mkdirSync(tmp);
          const record: Record<string, { bytes: number; sha256: string }> = {};
          names.forEach((name, i) => {
            const file = join(tmp, name);
            mkdirSync(dirname(file), { recursive: true });
            const bytes = contents[i]!;
            writeFileSync(file, bytes);
            record[name] = { bytes: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength, sha256: sha256(bytes) };
          });
          for (const name of movedNames) {
            const source = move[name]!;
            const file = join(tmp, name);
            mkdirSync(dirname(file), { recursive: true });
            renameSync(source.from, file);
            moved.push({ from: source.from, to: file });
            const bytes = readFileSync(file);
            const found = sha256(bytes);
            if (source.sha256 !== undefined && found !== source.sha256) {
              throw new Error(`runStore.put(${kind}): ${source.from} has SHA-256 ${found.slice(0, 12)}..., it was written with ${source.sha256.slice(0, 12)}... (damaged since): not storing it; run again to compute it anew`);
            }
            record[name] = { bytes: bytes.byteLength, sha256: found };
          }
          writeFileSync(join(tmp, 'config.json'), configText);
          const run: RunRecord = { format: runRecordFormat, kind, key, version: libraryVersion(), files: Object.fromEntries(Object.keys(record).sort().map((n) => [n, record[n]!])) };
          writeFileSync(join(tmp, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
          moveIntoPlace(tmp, target, putOptions.replace ?? true);
        });
        removeFolder(`${target}.work`);
      } catch (error) {
        for (const { from, to } of moved.reverse()) {
          try {
            renameSync(to, from);
          } catch {
            // the work folder is gone; nothing to give back
          }
        }
        throw error;
      } finally {
        if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
      }
      return openAfterPut(() => open(kind, key, target), target);
    },
    remove: (kind, config) => removeFolder(dir(kind, config)),
    workDir(kind, config) {
      const work = `${dir(kind, config)}.work`;
      const text = `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;
      withStorageContext({ path: work, what: `the work folder of a ${kind} run`, bytes: text.length }, () => {
        mkdirSync(work, { recursive: true });
        writeFileSync(join(work, 'config.json'), text);
      });
      return work;
    },
    workDirOf: (kind, key) => join(kindDir(kind), `${checkKey(key)}.work`),
    lockPath: (kind, config) => `${dir(kind, config)}.lock`,
    lockKeys(kind) {
      const folder = kindDir(kind);
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((name) => name.endsWith('.lock') && keyPattern.test(name.slice(0, -5)))
        .map((name) => name.slice(0, -5))
        .sort();
    },
    workKeys(kind) {
      const folder = kindDir(kind);
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((name) => name.endsWith('.work') && keyPattern.test(name.slice(0, -5)))
        .map((name) => name.slice(0, -5))
        .sort();
    },
    removeWork: (kind, key) => removeFolder(join(kindDir(kind), `${checkKey(key)}.work`)),
    removeKey: (kind, key) => removeFolder(join(kindDir(kind), checkKey(key))),
    keys(kind) {
      const folder = kindDir(kind);
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((name) => keyPattern.test(name) && existsSync(join(folder, name, 'run.json')))
        .sort();
    },
    kinds() {
      if (!existsSync(base)) return [];
      return readdirSync(base, { withFileTypes: true })
        .filter((e) => e.isDirectory() && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(e.name))
        .map((e) => e.name)
        .sort();
    },
    check(kind, key) {
      const problem = checkFolder(join(kindDir(kind), checkKey(key)), kind, key);
      return problem === 'absent' ? 'no run.json (incomplete)' : problem;
    },
    configOf(kind, key, where = 'run') {
      try {
        const folder = join(kindDir(kind), where === 'work' ? `${checkKey(key)}.work` : checkKey(key));
        return JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    sweep: (sweepOptions = {}) => sweepTemporaries(base, store.kinds(), sweepOptions.dryRun ?? false),
  };
  if (options.sweep !== false && !swept.has(base)) {
    swept.add(base);
    sweepTemporaries(base, store.kinds(), false);
  }
  return store;
}

function sha256(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** `stat` summary of a folder's files, to skip checking a folder again that has not changed. */
function folderSignature(folder: string, names: readonly string[]): string {
  return names.map((n) => {
    const s = statSync(join(folder, n));
    return `${n}:${s.size}:${s.mtimeMs}`;
  }).join('|');
}

/**
 * Checks a run folder: `'absent'` without `run.json`, undefined when sound, else the
 * problem. A folder found sound before is not read again while its files keep their sizes
 * and times. ENOENT from a folder that vanished meanwhile is thrown.
 */
function checkFolder(folder: string, kind: string, key: string): string | undefined {
  if (!existsSync(join(folder, 'run.json'))) return 'absent';
  const identity = runIdentity(folder);
  const problem = findProblem(folder, kind, key);
  // A writer replacing the run meanwhile (the folder renamed away, a new one in its place)
  // makes files of two runs look like one damaged run: then the run was simply not there.
  if (problem !== undefined && runIdentity(folder) !== identity) throw Object.assign(new Error(`${folder} was replaced while being read`), { code: 'ENOENT' });
  return problem;
}

/** Which `run.json` a folder has right now (its inode and time), or '' without one. */
function runIdentity(folder: string): string {
  try {
    const s = statSync(join(folder, 'run.json'));
    return `${s.ino}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}

function findProblem(folder: string, kind: string, key: string): string | undefined {
  const present = listFiles(folder);
  const signature = folderSignature(folder, present);
  if (checkedSound.get(folder) === signature) return undefined;
  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
    return `run.json is not valid JSON (${(e as Error).message})`;
  }
  if (record?.format !== runRecordFormat || typeof record.files !== 'object' || record.files === null) {
    return `run.json has format ${JSON.stringify(record?.format)}, expected ${runRecordFormat} with a SHA-256 per file (written by an older sslmem)`;
  }
  if (record.kind !== kind || record.key !== key) return `run.json names ${record.kind}/${record.key}, but the run is stored as ${kind}/${key}`;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'config.json is missing';
    return `config.json is not valid JSON (${(e as Error).message})`;
  }
  if (runKey(config, { version: record.version }) !== key) return 'config.json does not hash to the run key (it was changed after the write)';
  const recorded = Object.keys(record.files).sort();
  const stored = present.filter((f) => !reservedRunFiles.includes(f));
  for (const name of recorded) if (!stored.includes(name)) return `file ${name} is missing`;
  for (const name of stored) if (!recorded.includes(name)) return `file ${name} is not in run.json`;
  for (const name of recorded) {
    const expected = record.files[name];
    const bytes = readFileSync(join(folder, name));
    if (bytes.byteLength !== expected.bytes) return `file ${name}: ${bytes.byteLength} bytes, run.json records ${expected.bytes}`;
    const found = sha256(bytes);
    if (found !== expected.sha256) return `file ${name}: SHA-256 ${found.slice(0, 12)}..., run.json records ${expected.sha256.slice(0, 12)}... (changed after the write)`;
  }
  checkedSound.set(folder, signature);
  return undefined;
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

/** Moves a folder aside and deletes it (readers see it whole or not at all); returns whether it existed. */
function removeFolder(target: string): boolean {
  if (!existsSync(target)) return false;
  const trash = `${target}.old-${tempTag()}`;
  try {
    renameSync(target, trash);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  checkedSound.delete(target);
  rmSync(trash, { recursive: true, force: true });
  return true;
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
      checkedSound.delete(target);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EACCES') throw e;
      if (!replace) return;
      if (attempt >= 10) throw e;
    }
    removeFolder(target);
  }
}

/**
 * Finds (and unless `dryRun` removes) what unfinished writes of gone processes left: store
 * folders `<kind>/.tmp-*` and `<kind>/*.old-*`, and temporary files `.*.tmp` inside work
 * folders `<kind>/<key>.work/`.
 */
function sweepTemporaries(base: string, kinds: readonly string[], dryRun: boolean): string[] {
  const found: string[] = [];
  const consider = (path: string, name: string): void => {
    const owner = tempOwner(name);
    if (owner === undefined || !ownerIsGone(owner)) return;
    found.push(path);
    if (!dryRun) rmSync(path, { recursive: true, force: true });
  };
  for (const kind of kinds) {
    const folder = join(base, kind);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.name.startsWith('.tmp-') || entry.name.includes('.old-')) consider(path, entry.name);
      else if (entry.isDirectory() && entry.name.endsWith('.work')) {
        for (const inner of readdirSync(path)) if (inner.startsWith('.') && inner.endsWith('.tmp')) consider(join(path, inner), inner);
      }
    }
  }
  return found;
}

function checkKind(kind: string): string {
  check(typeof kind === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(kind), 'runStore: kind', 'a name of letters, digits, - and _ (e.g. encoder)', JSON.stringify(kind));
  return kind;
}

function checkKey(key: string): string {
  check(typeof key === 'string' && keyPattern.test(key), 'runStore: key', 'a run key of 64 hex digits', JSON.stringify(key));
  return key;
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
