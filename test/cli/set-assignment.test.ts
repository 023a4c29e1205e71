import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overridesFromAssignments, parseSetAssignment } from '../../src/cli/set-assignment';
import { InputError } from '../../src/util/errors';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'sslmem-set-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts `f` throws an `InputError` whose message matches `pattern`. */
function refuses(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected an InputError matching ${pattern}`);
}

describe('parseSetAssignment', () => {
  test('reads path=value with the value as JSON when it parses', () => {
    assert.deepEqual(parseSetAssignment('train.epochs=50'), { path: ['train', 'epochs'], value: 50 });
    assert.deepEqual(parseSetAssignment('dataset.name=kmnist'), { path: ['dataset', 'name'], value: 'kmnist' });
    assert.deepEqual(parseSetAssignment('seeds=[0,1]'), { path: ['seeds'], value: [0, 1] });
  });

  test('refuses path segments that reach a prototype, naming the option and the segment', () => {
    for (const [text, segment] of [['__proto__.polluted=1', '__proto__'], ['train.__proto__.epochs=1000000', '__proto__'], ['constructor.prototype.x=1', 'constructor'], ['train.prototype=1', 'prototype']]) {
      refuses(() => parseSetAssignment(text), new RegExp(`^option --set ${text.split('=')[0].replace(/\./g, '\\.')}: expected a field name other than __proto__, prototype, constructor \\(keys that reach an object's prototype\\), found path segment "${segment}"$`));
    }
    refuses(() => parseSetAssignment('probe={"constructor":{"prototype":{"x":1}}}'), /^option --set probe\.constructor: .*found key "constructor"$/);
  });

  test('refuses overflowing numbers, deep values and long paths', () => {
    refuses(() => parseSetAssignment('train.lr=1e999'), /^option --set train\.lr: expected a finite number, found 1e999 \(Infinity\)$/);
    refuses(() => parseSetAssignment(`x=${'['.repeat(20_000)}${']'.repeat(20_000)}`), /^option --set x\[0\]\[0\].*: expected nesting at most 32 levels deep/);
    refuses(() => parseSetAssignment(`${'a.'.repeat(200)}b=1`), /expected a field path of at most 200 characters, found 401 characters/);
  });
});

describe('overridesFromAssignments', () => {
  test('nests the assignments in order as own data properties', () => {
    const overrides = overridesFromAssignments([parseSetAssignment('train.epochs=5'), parseSetAssignment('train.lr=0.1'), parseSetAssignment('train.epochs=7')]);
    assert.deepEqual(overrides, { train: { epochs: 7, lr: 0.1 } });
  });

  test('a hand-made assignment through __proto__ is refused, not written into Object.prototype', () => {
    refuses(() => overridesFromAssignments([{ path: ['__proto__', 'polluted'], value: 1 }]), /^option --set __proto__\.polluted: expected a field name other than/);
    refuses(() => overridesFromAssignments([{ path: ['train', 'constructor'], value: 1 }]), /^option --set train\.constructor: /);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });
});

describe('sslmem with a hostile --set, as a process', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  const sslmem = (...args: string[]) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 120_000 });

  test('score --set __proto__.polluted=1 exits 1 naming the field, before any data loads or training', () => {
    const out = join(dir, 'score-out');
    const runs = join(dir, 'score-runs');
    const r = sslmem('score', '--preset', 'quick', '--set', '__proto__.polluted=1', '--out', out, '--runs', runs);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sslmem score: error: option --set __proto__\.polluted: expected a field name other than __proto__, prototype, constructor \(keys that reach an object's prototype\), found path segment "__proto__"\n$/);
    assert.equal(existsSync(out), false, 'no output folder');
    assert.equal(existsSync(runs), false, 'nothing trained into the run store');
    // A dataset folder that does not exist would be the first thing to fail once data loads.
    const missing = sslmem('score', '--preset', 'quick', '--data-dir', join(dir, 'no-such-data'), '--set', '__proto__.polluted=1', '--out', out, '--runs', runs);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /option --set __proto__\.polluted: expected a field name other than/);
  });

  test('plan --set __proto__.dir=/etc and --set train.__proto__.epochs=1000000 are refused, no plan written', () => {
    const plan = join(dir, 'P.json');
    for (const set of ['__proto__.dir=/etc', 'train.__proto__.epochs=1000000']) {
      const r = sslmem('plan', '--preset', 'quick', '--out', plan, '--runs', join(dir, 'plan-runs'), '--set', set);
      assert.equal(r.status, 1, `${set}: ${r.stdout}`);
      assert.match(r.stderr, new RegExp(`^sslmem plan: error: option --set ${set.split('=')[0].replace(/\./g, '\\.')}: expected a field name other than .*found path segment "__proto__"\\n$`));
      assert.equal(existsSync(plan), false, `${set}: no plan file`);
    }
  });

  test('train --set train.lr=1e999 says "a finite number" and shows the text', () => {
    const r = sslmem('train', '--preset', 'quick', '--set', 'train.lr=1e999', '--out', join(dir, 'train-out'), '--runs', join(dir, 'train-runs'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /option --set train\.lr: expected a finite number, found 1e999 \(Infinity\)\n$/);
  });
});
