import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../util/errors';

/** The library's root folder: `dist/` when compiled, `src/` when run from the sources. */
export const libraryRoot = resolve(__dirname, '..');

const extension = extname(__filename);
const relativeImport = /(?:\brequire\(\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;
const fingerprints = new Map<string, string>();

/** A library module (`plans/train-job-task`, no extension) as a file of this build. */
function moduleFile(module: string, root: string): string | undefined {
  for (const file of [join(root, module + extension), join(root, module, `index${extension}`)]) if (existsSync(file)) return file;
  return undefined;
}

/** The file a relative import of `from` names, or undefined outside the library. */
function resolveImport(from: string, spec: string, root: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = extname(spec) !== '' ? [base] : [base + extension, join(base, `index${extension}`)];
  return candidates.find((f) => f.startsWith(root + sep) && existsSync(f));
}

/**
 * A SHA-256 fingerprint of the code that computes a stored run: library module `module`
 * (a path below the library root without extension, e.g. `plans/train-job-task`) and
 * every library file it imports, directly or not. Any change to one of them gives a new
 * fingerprint; code it does not reach (the command line, the notebook helpers) does not
 * count. The files are named relative to the library root, so the fingerprint does not
 * depend on where the library is installed (compiled and source builds differ). Computed
 * once per module and process. `root` is for tests: another tree of modules.
 * @throws InputError when the library has no such module.
 */
export function codeFingerprint(module: string, root: string = libraryRoot): string {
  const known = fingerprints.get(`${root}\n${module}`);
  if (known !== undefined) return known;
  const entry = moduleFile(module, root);
  if (entry === undefined) throw new InputError('codeFingerprint: module', `a module of the library under ${root}`, JSON.stringify(module));
  const seen = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, createHash('sha256').update(text).digest('hex'));
    for (const m of text.matchAll(relativeImport)) {
      const target = resolveImport(file, m[2], root);
      if (target !== undefined) visit(target);
    }
  };
  visit(entry);
  const lines = [...seen].map(([file, hash]) => `${relative(root, file).split(sep).join('/')}\t${hash}\n`).sort();
  const fingerprint = createHash('sha256').update(lines.join('')).digest('hex');
  fingerprints.set(`${root}\n${module}`, fingerprint);
  return fingerprint;
}

/** The library module (path below the library root, no extension) of a file of it, e.g. `__filename`. */
export function moduleOf(file: string): string {
  const rel = relative(libraryRoot, file);
  if (rel.startsWith('..')) throw new InputError('moduleOf: file', `a file under ${libraryRoot}`, JSON.stringify(file));
  return rel.slice(0, rel.length - extname(rel).length).split(sep).join('/');
}
