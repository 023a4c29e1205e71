import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentArithmetic, initBackend } from '../../src/backend';
import { codeFiles, codeFingerprint, moduleOf, withoutTypeOnlyImports } from '../../src/runs/code-fingerprint';
import { libraryVersion } from '../../src/runs/library-version';
import { runProvenance, staleness } from '../../src/runs/provenance';
import { InputError } from '../../src/util/errors';

/** A tree of modules: `files` by path below a new root. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-code-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe('codeFingerprint', () => {
  const files = {
    'a/entry.ts': "import { b } from '../b/b';\nexport * from './c';\nimport type { T } from './types';\nexport const a = b;\n",
    'b/b.ts': "import { x } from '../util';\nexport const b = x;\n",
    'a/c.ts': 'export const c = 1;\n',
    'a/types.ts': 'export type T = number;\n',
    'util/index.ts': 'export const x = 2;\n',
    'other.ts': 'export const unrelated = 3;\n',
  };

  test('covers the module and everything it imports, nothing else', () => {
    const base = codeFingerprint('a/entry', tree(files));
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(codeFingerprint('a/entry', tree(files)), base, 'the same code elsewhere: the same fingerprint');
    assert.notEqual(codeFingerprint('a/entry', tree({ ...files, 'util/index.ts': 'export const x = 3;\n' })), base, 'a file imported through another changes it');
    assert.notEqual(codeFingerprint('a/entry', tree({ ...files, 'a/c.ts': 'export const c = 2;\n' })), base, 're-exports count');
    assert.equal(codeFingerprint('a/entry', tree({ ...files, 'other.ts': 'export const unrelated = 4;\n' })), base, 'code it does not reach does not count');
    assert.throws(() => codeFingerprint('a/missing', tree(files)), (e: unknown) => e instanceof InputError && /a\/missing/.test(e.message));
  });

  test('type-only imports are not followed: they are erased when compiled', () => {
    const base = codeFingerprint('a/entry', tree(files));
    assert.equal(codeFingerprint('a/entry', tree({ ...files, 'a/types.ts': 'export type T = string;\n' })), base, 'import type');
    const mixed = { ...files, 'a/entry.ts': "import { b } from '../b/b';\nimport { type T, type U as V } from './types';\nexport type { W } from './types';\nexport const a = b;\n" };
    assert.deepEqual([...codeFiles('a/entry', tree(mixed)).keys()].sort(), ['a/entry.ts', 'b/b.ts', 'util/index.ts']);
    const value = { ...files, 'a/entry.ts': "import { type T, u } from './types';\nexport const a = u;\n" };
    assert.ok(codeFiles('a/entry', tree(value)).has('a/types.ts'), 'an import with one value name is followed');
    assert.equal(withoutTypeOnlyImports("import type {\n  A,\n  B,\n} from './x';\nimport { c } from './c';"), ";\nimport { c } from './c';");
  });

  test('the source and the compiled library reach the same modules', () => {
    for (const module of ['plans/train-job-task', 'measure/memorization-scores']) {
      const names = (root: string) => [...codeFiles(module, root).keys()].map((f) => f.replace(/\.(ts|js)$/, '')).sort();
      assert.deepEqual(names(join(__dirname, '../../src')), names(join(__dirname, '../../dist')), module);
    }
  });

  test('of the library: the training code reaches the trainer, not the command line', () => {
    assert.match(codeFingerprint('plans/train-job-task'), /^[0-9a-f]{64}$/);
    assert.notEqual(codeFingerprint('plans/train-job-task'), codeFingerprint('measure/memorization-scores'));
    assert.equal(moduleOf(join(__dirname, '../../src/plans/train-job-task.ts')), 'plans/train-job-task');
  });
});

describe('run provenance', () => {
  test('needs initBackend first, then records the arithmetic', async () => {
    assert.throws(() => currentArithmetic(), (e: unknown) => e instanceof InputError && /initBackend never called/.test(e.message));
    const info = await initBackend({ backend: 'wasm' });
    const a = currentArithmetic();
    assert.equal(a.backend, info.name);
    assert.equal(a.kernels, 'sslmem');
    assert.equal(typeof a.simd, 'boolean');
    assert.match(a.tfjs, /^\d+\.\d+\.\d+\/wasm-\d+\.\d+\.\d+$/);
    await initBackend({ backend: 'cpu' });
    assert.deepEqual(Object.keys(currentArithmetic()).sort(), ['backend', 'tfjs']);
  });

  test('staleness: current code and version pass; another version, changed code or no record do not', async () => {
    await initBackend({ backend: 'cpu' });
    const p = runProvenance('plans/train-job-task');
    assert.equal(p.library, libraryVersion());
    assert.equal(staleness(p), undefined);
    assert.match(staleness({ ...p, library: '0.0.1' }) ?? '', /made by sslmem 0\.0\.1/);
    assert.match(staleness({ ...p, code: { ...p.code, fingerprint: '0'.repeat(64) } }) ?? '', /code of plans\/train-job-task changed/);
    assert.match(staleness({ ...p, code: { module: 'experiments/gone', fingerprint: '0' } }) ?? '', /no longer in the library/);
    assert.match(staleness(undefined) ?? '', /no provenance/);
  });
});
