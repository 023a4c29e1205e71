import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * A user without the native binding (switched off, never built, or unloadable) gets our
 * SIMD products, with no error, a describeBackend line that says why, and run keys whose
 * arithmetic names no BLAS (as before the binding existed). Each case is a fresh process.
 */
const backendIndex = path.join(__dirname, '..', '..', 'src', 'backend', 'index.ts');
const script = `
  const tf = require('@tensorflow/tfjs-core');
  const s = require(${JSON.stringify(backendIndex)});
  s.initBackend().then((info) => {
    const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]), false, true);
    console.log(JSON.stringify({ line: s.describeBackend(info), arithmetic: s.currentArithmetic(), product: Array.from(y.dataSync()) }));
  });`;

function runWith(env: Record<string, string>): { line: string; arithmetic: Record<string, unknown>; product: number[] } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.SSLMEM_BACKEND;
  // This suite also runs with SSLMEM_NATIVE=0 (CI): each case sets only what it tests.
  if (env.SSLMEM_NATIVE === undefined) delete childEnv.SSLMEM_NATIVE;
  if (env.SSLMEM_NATIVE_BINDING === undefined) delete childEnv.SSLMEM_NATIVE_BINDING;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('without the native binding', () => {
  const expected = [1 * 5 + 2 * 6, 1 * 7 + 2 * 8, 3 * 5 + 4 * 6, 3 * 7 + 4 * 8];

  test('SSLMEM_NATIVE=0: our SIMD products, said so, no products in the arithmetic', () => {
    const r = runWith({ SSLMEM_NATIVE: '0' });
    assert.match(r.line, /products: our SIMD products \(SSLMEM_NATIVE=0\)$/);
    assert.equal(r.arithmetic.backend, 'wasm');
    assert.equal(r.arithmetic.products, undefined);
    assert.deepEqual(r.product, expected);
  });

  test('binding never built (absent file): our SIMD products and how to build it', () => {
    const r = runWith({ SSLMEM_NATIVE_BINDING: path.join(tmpdir(), 'no-such-dir', 'sslmem-blas.node') });
    assert.match(r.line, /products: our SIMD products \(no native binding at .*no-such-dir.*npm run build:native\)\)$/);
    assert.equal(r.arithmetic.products, undefined);
    assert.deepEqual(r.product, expected);
  });

  test('a binding that does not load: our SIMD products and the loader error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sslmem-native-'));
    try {
      const file = path.join(dir, 'sslmem-blas.node');
      writeFileSync(file, 'not a shared library');
      const r = runWith({ SSLMEM_NATIVE_BINDING: file });
      assert.match(r.line, /products: our SIMD products \(the native binding .* failed to load/);
      assert.equal(r.arithmetic.products, undefined);
      assert.deepEqual(r.product, expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
