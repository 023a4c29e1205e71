import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { jobKey } from '../../src/plans/job-key';
import { sidePlan } from '../../src/plans/side-plan';
import { validateQueuedTraining } from '../../src/queue/queue-job';
import { InputError } from '../../src/util/errors';

before(async () => {
  await initBackend();
});

const [f] = sidePlan(preset('quick'));

/** Asserts `validateQueuedTraining(value)` throws an `InputError` whose message matches `pattern`. */
function refuses(value: unknown, pattern: RegExp): void {
  assert.throws(() => validateQueuedTraining(value, 'queued job 7'), (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected an InputError matching ${pattern}`);
}

describe('validateQueuedTraining: hostile payloads', () => {
  test('a payload that is an array says an array, not an object', () => {
    refuses([{ job: f, key: jobKey(f) }], /^queued job 7: expected an object \{ job, key, provenance\?, submitter\? \}, found an array$/);
  });

  test('an own __proto__ key in the payload or its job is refused with the field named', () => {
    const key = jobKey(f);
    refuses(JSON.parse(`{"__proto__": {"x": 1}, "job": ${JSON.stringify(f)}, "key": "${key}"}`), /^queued job 7\.__proto__: expected a field name other than __proto__/);
    refuses(JSON.parse(`{"job": ${JSON.stringify(f).replace('"train":{', '"train":{"__proto__":{"epochs":1000000000},')}, "key": "${key}"}`), /^queued job 7\.job\.train\.__proto__: expected a field name other than/);
    refuses({ job: f, key, provenance: JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}') }, /^queued job 7\.provenance\.constructor: /);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });

  test('a provenance nested 20,000 deep is refused naming where, not with a stack overflow', () => {
    refuses({ job: f, key: jobKey(f), provenance: JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) }, /^queued job 7\.provenance\[0\]\[0\].*: expected nesting at most 32 levels deep/);
  });

  test('a valid payload passes', () => {
    const key = jobKey(f);
    assert.equal(validateQueuedTraining(JSON.parse(JSON.stringify({ job: f, key, provenance: { library: 'x' } })), 'queued').key, key);
  });
});
