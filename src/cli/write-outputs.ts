import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../util/errors';

/** One output file: text, bytes, or a writer that creates the file at the given path (e.g. `saveEncoder`). */
export type OutputContent = string | Uint8Array | ((path: string) => Promise<void>);

let counter = 0;

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
 * Writes output files into `dir` (created if missing): every file goes to a temporary
 * name first and only when all of them are complete are they renamed into place, so an
 * error leaves no half-written file and none of the new ones (older outputs of the same
 * names stay as they were). Returns the written paths in order.
 */
export async function writeOutputs(dir: string, files: ReadonlyArray<readonly [string, OutputContent]>): Promise<string[]> {
  const folder = resolve(dir);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new InputError('option --out', 'a folder that can be created', `${JSON.stringify(dir)} (${(error as Error).message})`);
  }
  const staged: Array<{ temp: string; path: string }> = [];
  try {
    for (const [name, content] of files) {
      const path = join(folder, name);
      const temp = join(folder, `.${name}.${process.pid}-${counter++}.tmp`);
      staged.push({ temp, path });
      if (typeof content === 'function') await content(temp);
      else writeFileSync(temp, content);
    }
    for (const { temp, path } of staged) renameSync(temp, path);
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  return staged.map((s) => s.path);
}
