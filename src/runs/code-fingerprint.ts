import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../util/errors';

/** The library's root folder: `dist/` when compiled, `src/` when run from the sources. */
export const libraryRoot = resolve(__dirname, '..');

const extension = extname(__filename);
const relativeImport = /(?:\brequire\(\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;
const fingerprints = new Map<string, string>();

/** `import type ... from`, `export type ... from` and imports whose every name is `type`. */
const typeOnlyImport = /\b(?:import|export)\s+type\s[^;]*?\bfrom\s*(['"])[^'"]+\1|\bimport\s*\{(?:\s*type\s+[\w$]+(?:\s+as\s+[\w$]+)?\s*,?)+\s*\}\s*from\s*(['"])[^'"]+\2/g;

/**
 * A module's text without its type-only imports: they are erased when compiled, so the code
 * that runs does not depend on the files they name (a source build then fingerprints the
 * same files as the compiled one).
 */
export function withoutTypeOnlyImports(text: string): string {
  return text.replace(typeOnlyImport, '');
}

/** A library module (`plans/train-job-task`, no extension) as a file: of this build's kind first, else a compiled or source one. */
function moduleFile(module: string, root: string): string | undefined {
  for (const ext of [...new Set([extension, '.js', '.ts'])]) {
    for (const file of [join(root, module + ext), join(root, module, `index${ext}`)]) if (existsSync(file)) return file;
  }
  return undefined;
}

/** The file a relative import of `from` names, or undefined outside the library (modules of `from`'s kind). */
function resolveImport(from: string, spec: string, root: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const ext = extname(from);
  const candidates = extname(spec) !== '' ? [base] : [base + ext, join(base, `index${ext}`)];
  return candidates.find((f) => f.startsWith(root + sep) && existsSync(f));
}

/**
 * The library files (named relative to `root`, `/`-separated, with extension) that library
 * module `module` (a path below the library root without extension, e.g.
 * `plans/train-job-task`) runs: itself and every file it imports at run time, directly or
 * not, each with the SHA-256 of its text. Type-only imports are not followed (they are erased
 * when compiled), so a source build and a compiled one reach the same modules.
 * @throws InputError when the library has no such module.
 */
export function codeFiles(module: string, root: string = libraryRoot): Map<string, string> {
  const entry = moduleFile(module, root);
  if (entry === undefined) throw new InputError('codeFingerprint: module', `a module of the library under ${root}`, JSON.stringify(module));
  const seen = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, createHash('sha256').update(text).digest('hex'));
    for (const m of withoutTypeOnlyImports(text).matchAll(relativeImport)) {
      const target = resolveImport(file, m[2], root);
      if (target !== undefined) visit(target);
    }
  };
  visit(entry);
  return new Map([...seen].map(([file, hash]) => [relative(root, file).split(sep).join('/'), hash]));
}

/**
 * A SHA-256 fingerprint of the code that computes a stored run: the `codeFiles` of library
 * module `module`. Any change to one of them gives a new fingerprint; code it does not reach
 * (the command line, the notebook helpers, files it names only as types) does not count. The
 * files are named relative to the library root, so the fingerprint does not depend on where
 * the library is installed (compiled and source builds differ). Computed once per module and
 * process. `root` is for tests: another tree of modules.
 * @throws InputError when the library has no such module.
 */
export function codeFingerprint(module: string, root: string = libraryRoot): string {
  const known = fingerprints.get(`${root}\n${module}`);
  if (known !== undefined) return known;
  const lines = [...codeFiles(module, root)].map(([file, hash]) => `${file}\t${hash}\n`).sort();
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
