import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertPlainData, assertSafeKey, defaultPlainDataLimits, fieldWhere, plainObjectFrom, safeMerge, setOwn } from '../../src/util/safe-keys';
import { InputError } from '../../src/util/errors';

/** Asserts `f` throws an `InputError` whose message matches `pattern`. */
function refuses(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected an InputError matching ${pattern}`);
}

/** JSON text of `depth` nested objects `{"a":{"a":...1}}`. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('assertSafeKey', () => {
  test('refuses the keys that reach a prototype, naming where and which', () => {
    for (const key of ['__proto__', 'prototype', 'constructor']) {
      refuses(() => assertSafeKey(key, 'option --set x'), new RegExp(`^option --set x: expected a field name other than __proto__, prototype, constructor \\(keys that reach an object's prototype\\), found key "${key}"$`));
    }
    refuses(() => assertSafeKey('__proto__', 'w', { as: 'path segment' }), /found path segment "__proto__"/);
    for (const key of ['proto', '__proto', 'Constructor', 'prototypes', 'epochs']) assertSafeKey(key, 'w');
  });
});

describe('assertPlainData', () => {
  test('sees the own __proto__ key JSON.parse creates, at any depth, with the field path', () => {
    const parsed = JSON.parse('{"train": {"__proto__": {"epochs": 1000000}}}') as unknown;
    assert.deepEqual(Object.keys((parsed as { train: object }).train), ['__proto__'], 'JSON.parse makes an own key');
    refuses(() => assertPlainData(parsed, 'config'), /^config\.train\.__proto__: expected a field name other than/);
    refuses(() => assertPlainData(JSON.parse('[{"x": [{"constructor": {"prototype": 1}}]}]'), 'plan file p.json:'), /^plan file p\.json: \[0\]\.x\[0\]\.constructor: expected/);
    refuses(() => assertPlainData(JSON.parse('{"a": {"prototype": 1}}'), 'w'), /^w\.a\.prototype: /);
    assert.equal(({} as Record<string, unknown>).epochs, undefined, 'nothing reached Object.prototype');
  });

  test('nesting 20,000 deep is refused with the place named, not a stack overflow', () => {
    const deep = JSON.parse(nestedJson(20_000)) as unknown;
    refuses(() => assertPlainData(deep, '--config c.json:'), /^--config c\.json: a\.a\.a.*: expected nesting at most 32 levels deep, found deeper nesting$/);
    const arrays = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) as unknown;
    refuses(() => assertPlainData(arrays, 'seeds'), /^seeds\[0\]\[0\].*: expected nesting at most 32 levels deep/);
    assertPlainData(JSON.parse(nestedJson(defaultPlainDataLimits.maxDepth)), 'w');
    refuses(() => assertPlainData(JSON.parse(nestedJson(defaultPlainDataLimits.maxDepth + 1)), 'w'), /nesting at most 32/);
    refuses(() => assertPlainData(JSON.parse(nestedJson(5)), 'w', { maxDepth: 3 }), /^w\.a\.a\.a: expected nesting at most 3 levels/);
  });

  test('a cycle ends at the depth limit', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    refuses(() => assertPlainData(cyclic, 'w'), /nesting at most 32 levels deep/);
  });

  test('numbers must be finite: Infinity and NaN are named, not shown as null', () => {
    refuses(() => assertPlainData({ train: { lr: JSON.parse('1e999') as number } }, 'config'), /^config\.train\.lr: expected a finite number, found Infinity$/);
    refuses(() => assertPlainData({ seeds: [0, NaN] }, 'config'), /^config\.seeds\[1\]: expected a finite number, found NaN$/);
    refuses(() => assertPlainData(-Infinity, 'x'), /^x: expected a finite number, found -Infinity$/);
  });

  test('strings and field names have length limits; code and typed arrays are not data', () => {
    refuses(() => assertPlainData({ name: 'a'.repeat(10_000_000) }, 'config'), /^config\.name: expected a string of at most 4096 characters, found 10000000 characters$/);
    refuses(() => assertPlainData({ name: 'abc' }, 'config', { maxStringLength: 2 }), /found 3 characters/);
    refuses(() => assertPlainData({ ['k'.repeat(300)]: 1 }, 'config'), /^config: expected field names of at most 200 characters, found a field name of 300 characters$/);
    refuses(() => assertPlainData({ f: () => 1 }, 'config'), /^config\.f: expected plain data \(JSON values\), found a function$/);
    refuses(() => assertPlainData({ ids: new Int32Array(3) }, 'job'), /^job\.ids: expected plain data \(a JSON array/);
  });

  test('plain data passes, with undefined fields as absent and long id arrays', () => {
    assertPlainData({ name: 'quick', dir: undefined, seeds: [0, 1], train: { lr: 0.001, schedule: 'cosine', dropLast: true }, dp: null }, 'config');
    assertPlainData({ ids: Array.from({ length: 1_000_000 }, (_, i) => i) }, 'job');
    for (const v of [null, 0, '', true, [], {}]) assertPlainData(v, 'v');
  });

  test('field paths: quoted when not a name, cut in the middle when long', () => {
    refuses(() => assertPlainData({ 'a b': { __proto__: null, constructor: 1 } }, 'w'), /^w\["a b"\]\.constructor: /);
    assert.equal(fieldWhere('w', '.a'), 'w.a');
    assert.equal(fieldWhere('plan file p:', '.jobs[0]'), 'plan file p: jobs[0]');
    assert.equal(fieldWhere('plan file p:', ''), 'plan file p');
    assert.ok(fieldWhere('w', '.a'.repeat(1000)).length < 200);
  });
});

describe('safeMerge, setOwn, plainObjectFrom', () => {
  test('merges objects field by field into new objects, arrays and values replace, undefined keeps', () => {
    const base = { a: { x: 1, y: [1, 2] }, b: 2 };
    const merged = safeMerge(base, { a: { y: [3], z: 4 }, b: undefined }, 'w');
    assert.deepEqual(merged, { a: { x: 1, y: [3], z: 4 }, b: 2 });
    assert.deepEqual(base, { a: { x: 1, y: [1, 2] }, b: 2 }, 'base unchanged');
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  });

  test('a __proto__ key from JSON is refused, never written through the prototype setter', () => {
    refuses(() => safeMerge({ train: { epochs: 1 } }, JSON.parse('{"train": {"__proto__": {"epochs": 1000000}}}'), 'overrides'), /^overrides\.train\.__proto__: expected a field name other than/);
    refuses(() => safeMerge({}, JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'), 'overrides'), /^overrides\.constructor: /);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).epochs, undefined);
  });

  test('replaces: a part whose kind changes is replaced whole', () => {
    const replaces = (path: string, b: Record<string, unknown>, p: Record<string, unknown>) => path === '.encoder' && 'kind' in p && p.kind !== b.kind;
    assert.deepEqual(safeMerge({ encoder: { kind: 'mlp', hidden: [8] } }, { encoder: { kind: 'vit' } }, 'w', { replaces }), { encoder: { kind: 'vit' } });
    assert.deepEqual(safeMerge({ encoder: { kind: 'mlp', hidden: [8] } }, { encoder: { outDim: 4 } }, 'w', { replaces }), { encoder: { kind: 'mlp', hidden: [8], outDim: 4 } });
  });

  test('the merge recursion is bounded', () => {
    const deep = JSON.parse(nestedJson(20_000)) as unknown;
    refuses(() => safeMerge(deep, deep, 'w'), /^w\.a\.a.*: expected nesting at most 32 levels deep/);
  });

  test('setOwn and plainObjectFrom make own data properties and refuse prototype keys', () => {
    const target: Record<string, unknown> = {};
    Object.defineProperty(Object.getPrototypeOf(target), 'trap', { set() { throw new Error('setter called'); }, configurable: true });
    try {
      setOwn(target, 'trap', 1, 'w');
      assert.equal(Object.getOwnPropertyDescriptor(target, 'trap')?.value, 1, 'no inherited setter ran');
    } finally {
      delete (Object.prototype as Record<string, unknown>).trap;
    }
    refuses(() => setOwn(target, '__proto__', {}, 'w.x'), /^w\.x: expected/);
    assert.deepEqual(plainObjectFrom([['a', 1], ['b', [2]]], 'w'), { a: 1, b: [2] });
    refuses(() => plainObjectFrom([['constructor', 1]], 'w'), /^w\.constructor: expected/);
  });
});
