import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { readPlanFile, writePlanFile } from '../../src/plans/plan-file';
import { sidePlan } from '../../src/plans/side-plan';
import { InputError } from '../../src/util/errors';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-plan-file-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts reading the plan `text` throws an `InputError` whose message matches `pattern`. */
function refuses(name: string, text: string, pattern: RegExp): void {
  const path = join(dir, name);
  writeFileSync(path, text);
  assert.throws(() => readPlanFile(path), (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected an InputError matching ${pattern}`);
}

describe('readPlanFile: hostile plan files', () => {
  test('an own __proto__ key, deep nesting and 1e999 are refused naming the file and the field', () => {
    const good = join(dir, 'good.json');
    writePlanFile(good, sidePlan(preset('quick')));
    const text = readFileSync(good, 'utf8');
    assert.equal(readPlanFile(good).jobs.length, 2);
    refuses('proto.json', text.replace('"train": {', '"train": {"__proto__": {"epochs": 1000000},'), /^plan file .*proto\.json: jobs\[0\]\.job\.train\.__proto__: expected a field name other than __proto__/);
    refuses('top.json', text.replace('"format":', '"__proto__": {"jobs": []}, "format":'), /top\.json: __proto__: expected a field name other than/);
    refuses('deep.json', text.replace('"jobs": [', `"extra": ${'['.repeat(20_000)}${']'.repeat(20_000)}, "jobs": [`), /^plan file .*deep\.json: extra\[0\]\[0\].*: expected nesting at most 32 levels deep/);
    refuses('lr.json', text.replace(/"lr": [0-9.e-]+/, '"lr": 1e999'), /^plan file .*lr\.json: jobs\[0\]\.job\.train\.lr: expected a finite number, found Infinity$/);
    assert.equal((Object.prototype as Record<string, unknown>).epochs, undefined);
  });
});
