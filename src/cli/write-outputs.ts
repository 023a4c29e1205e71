import { accessSync, constants, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../util/errors';
import { withStorageContext, withStorageContextAsync } from '../util/storage-error';
import { tempTag } from '../util/temp-files';
import { sweepOutputs } from '../io/sweep-outputs';

/** One output file: text, bytes, or a writer that creates the file at the given path (e.g. `saveEncoder`). */
export type OutputContent = string | Uint8Array | ((path: string) => Promise<void>);

/**
 * Checks, without creating anything, that `dir` is a writable folder or can be made one
 * (its nearest existing ancestor is a writable folder), so a command can fail before its
 * slow part. `option` names the option in the error.
 */
export function checkOutputDir(dir: string, option = 'option --out'): void {
  let path = resolve(dir);
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  const expected = 'a folder, or a path where one can be made';
  if (!statSync(path).isDirectory()) throw new InputError(option, expected, `${JSON.stringify(dir)} (${path} is a file)`);
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new InputError(option, expected, `${JSON.stringify(dir)} (${path} is not writable)`);
  }
}

/**
 * Writes a set of output files into `dir` as a whole: the new files go into a temporary
 * sibling folder (`.NAME.new-*`, then `.NAME.ready-*` when complete), files of `dir` that
 * the set does not replace are linked into it, and the folders are swapped (the old one
 * renamed aside, the new one renamed in, the old one deleted). An error leaves `dir` as it
 * was; a kill leaves the old set or the new one, and what a killed write left beside
 * `dir` is finished or undone by the next write (`sweepOutputs`). When `dir` is the
 * working folder, one of its ancestors or a symbolic link, the files are renamed in one by
 * one instead. A disk-full or permission fault names the file and its size
 * (`StorageError`). Returns the written paths in order.
 */
export async function writeOutputs(dir: string, files: ReadonlyArray<readonly [string, OutputContent]>): Promise<string[]> {
  const folder = resolve(dir);
  const parent = dirname(folder);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new InputError('option --out', 'a folder that can be created', `${JSON.stringify(dir)} (${(error as Error).message})`);
  }
  sweepOutputs(folder);
  const paths = files.map(([name]) => join(folder, name));
  if (!swappable(folder)) {
    await writeInPlace(folder, files);
    return paths;
  }
  const tag = tempTag();
  const staging = join(parent, `.${basename(folder)}.new-${tag}`);
  const ready = join(parent, `.${basename(folder)}.ready-${tag}`);
  const old = join(parent, `.${basename(folder)}.old-${tag}`);
  try {
    withStorageContext({ path: staging, what: 'the output folder' }, () => mkdirSync(staging));
    await writeInto(staging, files);
    if (existsSync(folder)) carryOver(folder, staging);
    renameSync(staging, ready);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  let movedAside = false;
  try {
    if (existsSync(folder)) {
      renameSync(folder, old);
      movedAside = true;
    }
    renameSync(ready, folder);
  } catch (error) {
    if (movedAside && !existsSync(folder)) renameSync(old, folder);
    rmSync(ready, { recursive: true, force: true });
    throw error;
  }
  if (movedAside) rmSync(old, { recursive: true, force: true });
  return paths;
}

/** Whether `folder` can be swapped as a whole: not a link, not the working folder or one of its ancestors. */
function swappable(folder: string): boolean {
  const s = lstatSync(folder, { throwIfNoEntry: false });
  if (s !== undefined && !s.isDirectory()) return false;
  const rel = relative(folder, process.cwd());
  return !(rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel)));
}

/** Writes every file into `into` (sub-folders created), each fault naming the output. */
async function writeInto(into: string, files: ReadonlyArray<readonly [string, OutputContent]>): Promise<void> {
  for (const [name, content] of files) {
    const path = join(into, name);
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : typeof content === 'function' ? undefined : content.byteLength;
    await withStorageContextAsync({ path, what: `output ${name}`, ...(bytes === undefined ? {} : { bytes }) }, async () => {
      mkdirSync(dirname(path), { recursive: true });
      if (typeof content === 'function') await content(path);
      else writeFileSync(path, content);
    });
  }
}

/** Links (or, across devices, copies) what `from` holds and `into` lacks, recursively; the set's own files win. */
function carryOver(from: string, into: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.name.endsWith('.tmp')) continue;
    const source = join(from, entry.name);
    const target = join(into, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      carryOver(source, target);
    } else if (!existsSync(target) && lstatSync(target, { throwIfNoEntry: false }) === undefined) {
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
      else {
        try {
          linkSync(source, target);
        } catch {
          withStorageContext({ path: target, what: `a copy of ${source}` }, () => copyFileSync(source, target));
        }
      }
    }
  }
}

/** The file-by-file form: every file to a temporary name, then all renamed into place. */
async function writeInPlace(folder: string, files: ReadonlyArray<readonly [string, OutputContent]>): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const staged: Array<{ temp: string; path: string }> = [];
  try {
    for (const [name, content] of files) {
      const path = join(folder, name);
      const temp = join(dirname(path), `.${basename(name)}.${tempTag()}.tmp`);
      staged.push({ temp, path });
      await writeInto(dirname(temp), [[basename(temp), content]]);
    }
    for (const { temp, path } of staged) renameSync(temp, path);
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
}
