import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../src/runs/canonical-json';
import { libraryVersion } from '../../src/runs/library-version';
import { runKey } from '../../src/runs/run-key';
import { InputError } from '../../src/util/errors';

describe('canonicalJson', () => {
  test('sorts keys at every depth and drops undefined fields', () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' }, u: undefined });
    assert.equal(a, '{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}');
    assert.equal(canonicalJson({ a: { c: 'x', d: [1, { y: null, z: 0 }] }, b: 1 }), a);
  });

  test('typed arrays as arrays, undefined array items as null (like JSON)', () => {
    assert.equal(canonicalJson({ w: Float32Array.from([0.5, 2]), v: [undefined] }), '{"v":[null],"w":[0.5,2]}');
  });

  test('refuses what JSON cannot keep, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ a: [1, NaN] }, /^config\.a\[1\]: expected a finite number, found NaN$/],
      [{ f: () => 1 }, /^config\.f: .*found function$/],
      [{ m: new Map() }, /^config\.m: expected a plain object, found an instance of Map$/],
      [{ d: new Date(0) }, /instance of Date/],
      [{ b: 1n }, /found bigint/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => canonicalJson(value), (e: unknown) => e instanceof InputError && message.test(e.message));
    }
  });
});

describe('runKey', () => {
  const config = { objective: 'simclr', encoder: { kind: 'mlp', hidden: [512, 512] }, seed: 1, epochs: 10 };

  test('is sha256 of the version and the canonical JSON: 64 hex digits', () => {
    const expected = createHash('sha256').update(`sslmem@9.9.9\n${canonicalJson(config)}`).digest('hex');
    assert.equal(runKey(config, { version: '9.9.9' }), expected);
    assert.match(runKey(config), /^[0-9a-f]{64}$/);
  });

  test('key order does not matter', () => {
    const shuffled = { seed: 1, epochs: 10, encoder: { hidden: [512, 512], kind: 'mlp' }, objective: 'simclr' };
    assert.equal(runKey(shuffled), runKey(config));
  });

  test('any changed value, array order or version changes the key', () => {
    const key = runKey(config);
    assert.notEqual(runKey({ ...config, seed: 2 }), key);
    assert.notEqual(runKey({ ...config, encoder: { kind: 'mlp', hidden: [512, 256] } }), key);
    assert.notEqual(runKey({ ...config, encoder: { kind: 'mlp', hidden: [512, 512], extra: true } }), key);
    assert.notEqual(runKey({ ...config, epochs: '10' }), key, 'a string is not a number');
    assert.notEqual(runKey(config, { version: '0.0.1' }), runKey(config, { version: '0.0.2' }));
  });

  test('the default version is package.json\'s', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal(libraryVersion(), pkg.version);
    assert.equal(runKey(config), runKey(config, { version: pkg.version }));
  });
});
