import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { preset } from '../../src/design/presets';
import { sidePlan } from '../../src/plans/side-plan';
import { validateTrainingJob } from '../../src/plans/validate-job';
import { InputError } from '../../src/util/errors';

const [f] = sidePlan(preset('quick'));
const asJson = (): Record<string, unknown> => JSON.parse(JSON.stringify(f)) as Record<string, unknown>;

/** Asserts `validateTrainingJob(value)` throws an `InputError` whose message matches `pattern`. */
function refuses(value: unknown, pattern: RegExp): void {
  assert.throws(() => validateTrainingJob(value, 'job'), (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected an InputError matching ${pattern}`);
}

describe('validateTrainingJob: hostile plain data', () => {
  test('an own __proto__ / constructor key anywhere is refused as reaching a prototype, with the field named', () => {
    refuses(JSON.parse(JSON.stringify(f).replace('"train":{', '"train":{"__proto__":{"epochs":1000000},')), /^job\.train\.__proto__: expected a field name other than __proto__, prototype, constructor/);
    refuses(JSON.parse(JSON.stringify(f).replace('"objective":{', '"objective":{"constructor":{"prototype":{}},')), /^job\.objective\.constructor: expected a field name other than/);
    assert.equal((Object.prototype as Record<string, unknown>).epochs, undefined);
  });

  test('a job nested 20,000 deep is refused naming where, not with a stack overflow', () => {
    const job = asJson();
    job.encoder = JSON.parse(`{"kind": "mlp", "x": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    refuses(job, /^job\.encoder\.x\[0\]\[0\].*: expected nesting at most 32 levels deep/);
  });

  test('1e999 in a job says a finite number and Infinity', () => {
    const job = asJson();
    job.train = { ...(job.train as object), lr: JSON.parse('1e999') };
    refuses(job, /^job\.train\.lr: expected a finite number, found Infinity$/);
  });

  test('a job with more epochs than any config may have is refused', () => {
    const job = asJson();
    job.train = { ...(job.train as object), epochs: 1e9, checkpointEpochs: [] };
    refuses(job, /^job\.train\.epochs: expected at most 1000000 epochs, found 1000000000$/);
  });

  test('a dataset named like an Object.prototype member is not a dataset', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) refuses({ ...asJson(), dataset: { name } }, /^job\.dataset\.name: expected one of/);
  });
});
