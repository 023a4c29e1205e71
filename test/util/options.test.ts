import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/util/errors';
import { mergeOptions, resolveOptions, rule, type OptionRules } from '../../src/util/options';

interface Example {
  readonly name: 'example';
  readonly steps: number;
  readonly rate: number;
  readonly temperature: number;
  readonly shuffle: boolean;
  readonly schedule: 'constant' | 'cosine';
  readonly hidden: number[];
  readonly label: string;
  readonly limit: number | null;
  readonly inner: { readonly width: number };
}

const innerDefaults = { width: 4 };
const resolveInner = (value: unknown, where: string): { width: number } =>
  resolveOptions(innerDefaults, { width: rule.int({ min: 1 }) }, value, where);

const defaults: Example = {
  name: 'example',
  steps: 10,
  rate: 0.5,
  temperature: 0.1,
  shuffle: true,
  schedule: 'cosine',
  hidden: [8, 4],
  label: 'run',
  limit: null,
  inner: { width: 4 },
};

const rules: OptionRules<Example> = {
  name: rule.literal('example'),
  steps: rule.int({ min: 1, max: 100 }),
  rate: rule.number({ min: 0, max: 1 }),
  temperature: rule.number({ min: 0, minOpen: true }),
  shuffle: rule.boolean(),
  schedule: rule.choice(['constant', 'cosine'] as const),
  hidden: rule.intList({ min: 1, minLength: 1 }),
  label: rule.name(),
  limit: rule.nullable(rule.int({ min: 0 })),
  inner: rule.nested(resolveInner),
};

const resolve = (options: unknown): Example => resolveOptions(defaults, rules, options, 'example options');

/** Asserts that `f` throws an InputError with exactly these where / expected / found parts. */
function assertInputError(f: () => unknown, where: string, expected: string, found: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InputError, `not an InputError: ${e}`);
    assert.equal(e.where, where);
    assert.equal(e.expected, expected);
    assert.equal(e.found, found);
    assert.equal(e.message, `${where}: expected ${expected}, found ${found}`);
    return true;
  });
}

describe('resolveOptions', () => {
  test('fills in the defaults; undefined fields keep them; the result is a new object', () => {
    const all = resolve(undefined);
    assert.deepEqual(all, defaults);
    assert.notEqual(all, defaults);
    assert.deepEqual(resolve({}), defaults);
    assert.deepEqual(resolve(null), defaults);
    assert.deepEqual(resolve({ steps: undefined, rate: 0.25 }), { ...defaults, rate: 0.25 });
    const given = resolve({ steps: 3, hidden: [2], schedule: 'constant', limit: 5, inner: { width: 7 }, shuffle: false });
    assert.deepEqual(given, { ...defaults, steps: 3, hidden: [2], schedule: 'constant', limit: 5, inner: { width: 7 }, shuffle: false });
    // lists are copied, nested options resolved with their own defaults
    const hidden = [3, 3];
    assert.notEqual(resolve({ hidden }).hidden, hidden);
    assert.deepEqual(resolve({ inner: {} }).inner, { width: 4 });
    // fields come out in the order of the defaults
    assert.deepEqual(Object.keys(resolve({ inner: { width: 2 }, name: 'example' })), Object.keys(defaults));
  });

  test('unknown fields are rejected with the field named and the known fields listed', () => {
    assertInputError(() => resolve({ stpes: 3 }), 'example options.stpes', `one of the fields ${Object.keys(defaults).join(', ')}`, 'an unknown field');
    assertInputError(() => resolve({ inner: { widht: 3 } }), 'example options.inner.widht', 'one of the fields width', 'an unknown field');
    assert.throws(() => resolve({ steps: 3, bogus: undefined }), /example options\.bogus: expected one of the fields name, steps, rate/);
    // names that only exist on Object.prototype are unknown fields too (also from JSON)
    for (const field of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      assertInputError(() => resolve({ [field]: 1 }), `example options.${field}`, `one of the fields ${Object.keys(defaults).join(', ')}`, 'an unknown field');
    }
    assertInputError(() => resolve(JSON.parse('{"__proto__": {"steps": 3}}')), 'example options.__proto__', `one of the fields ${Object.keys(defaults).join(', ')}`, 'an unknown field');
  });

  test('ranges are enforced, with the bounds in the message', () => {
    assertInputError(() => resolve({ steps: 0 }), 'example options.steps', 'an integer >= 1 and <= 100', '0');
    assertInputError(() => resolve({ steps: 101 }), 'example options.steps', 'an integer >= 1 and <= 100', '101');
    assertInputError(() => resolve({ steps: 2.5 }), 'example options.steps', 'an integer >= 1 and <= 100', '2.5');
    assertInputError(() => resolve({ steps: '3' }), 'example options.steps', 'an integer >= 1 and <= 100', '"3"');
    assert.equal(resolve({ steps: 1 }).steps, 1);
    assert.equal(resolve({ steps: 100 }).steps, 100);
    assertInputError(() => resolve({ rate: 1.5 }), 'example options.rate', 'a finite number in [0, 1]', '1.5');
    assertInputError(() => resolve({ rate: -0.1 }), 'example options.rate', 'a finite number in [0, 1]', '-0.1');
    assertInputError(() => resolve({ rate: Number.NaN }), 'example options.rate', 'a finite number in [0, 1]', 'NaN');
    assert.equal(resolve({ rate: 0 }).rate, 0);
    assert.equal(resolve({ rate: 1 }).rate, 1);
    assertInputError(() => resolve({ temperature: 0 }), 'example options.temperature', 'a finite number in (0, inf)', '0');
    assertInputError(() => resolve({ temperature: Infinity }), 'example options.temperature', 'a finite number in (0, inf)', 'Infinity');
    assertInputError(() => resolve({ limit: -1 }), 'example options.limit', 'an integer >= 0', '-1');
    assertInputError(() => resolve({ inner: { width: 0 } }), 'example options.inner.width', 'an integer >= 1', '0');
    assertInputError(() => resolveOptions({ x: 0 }, { x: rule.int() }, { x: 0.5 }, 'w'), 'w.x', 'an integer', '0.5');
    assertInputError(() => resolveOptions({ x: 0 }, { x: rule.number({ max: 1, maxOpen: true }) }, { x: 1 }, 'w'), 'w.x', 'a finite number in (-inf, 1)', '1');
  });

  test('literal names, choices, booleans, lists and names are checked', () => {
    assertInputError(() => resolve({ name: 'other' }), 'example options.name', '"example"', '"other"');
    assertInputError(() => resolve({ schedule: 'linear' }), 'example options.schedule', 'one of "constant", "cosine"', '"linear"');
    assertInputError(() => resolve({ shuffle: 1 }), 'example options.shuffle', 'true or false', '1');
    assertInputError(() => resolve({ hidden: [4, 0] }), 'example options.hidden[1]', 'an integer >= 1', '0');
    assertInputError(() => resolve({ hidden: [] }), 'example options.hidden', 'at least 1 entry', '0');
    assertInputError(() => resolve({ hidden: 4 }), 'example options.hidden', 'an array of integers', '4');
    assertInputError(() => resolve({ label: 'a/b' }), 'example options.label', 'a non-empty name without "/"', '"a/b"');
    assertInputError(() => resolve({ label: '' }), 'example options.label', 'a non-empty name without "/"', '""');
    assert.equal(resolve({ limit: null }).limit, null);
  });

  test('a non-object is rejected where it was given; a missing rule is a programming error', () => {
    assertInputError(() => resolve([1, 2]), 'example options', 'an options object', '[1,2]');
    assertInputError(() => resolve(5), 'example options', 'an options object', '5');
    assertInputError(() => resolve({ inner: 'wide' }), 'example options.inner', 'an options object', '"wide"');
    assert.throws(() => resolveOptions({ a: 1, b: 2 }, { a: rule.int() } as never, {}, 'broken'), (e: unknown) => !(e instanceof InputError) && /resolveOptions broken: no rule for field b/.test(String(e)));
  });
});

describe('mergeOptions', () => {
  test('merges over the defaults without checking values; undefined keeps the default', () => {
    const d = { a: 1, b: 'x', c: [1] };
    assert.deepEqual(mergeOptions(d, { a: 2 }, 'm'), { a: 2, b: 'x', c: [1] });
    assert.deepEqual(mergeOptions(d, { a: undefined, b: 'y' }, 'm'), { a: 1, b: 'y', c: [1] });
    assert.deepEqual(mergeOptions(d, { a: 'not checked' }, 'm'), { a: 'not checked', b: 'x', c: [1] });
    const copy = mergeOptions(d, undefined, 'm');
    assert.deepEqual(copy, d);
    assert.notEqual(copy, d);
    assert.deepEqual(d, { a: 1, b: 'x', c: [1] }, 'the defaults are not modified');
  });

  test('unknown fields, non-objects and a wrong kind are InputErrors', () => {
    const d = { a: 1, b: 2 };
    assertInputError(() => mergeOptions(d, { c: 3 }, 'merge options'), 'merge options.c', 'one of the fields a, b', 'an unknown field');
    assertInputError(() => mergeOptions(d, { toString: 3 }, 'merge options'), 'merge options.toString', 'one of the fields a, b', 'an unknown field');
    assertInputError(() => mergeOptions(d, [] as unknown as object, 'merge options'), 'merge options', 'an options object', '[]');
    assertInputError(() => mergeOptions(d, 'a' as unknown as object, 'merge options'), 'merge options', 'an options object', '"a"');
    // kind: accepted when equal (and not copied into the result), rejected otherwise, an unknown field when no kind is expected
    assert.deepEqual(mergeOptions(d, { kind: 'mlp', a: 5 }, 'enc', 'mlp'), { a: 5, b: 2 });
    assertInputError(() => mergeOptions(d, { kind: 'vit' }, 'enc', 'mlp'), 'enc.kind', '"mlp"', '"vit"');
    assertInputError(() => mergeOptions(d, { kind: 'mlp' }, 'enc'), 'enc.kind', 'one of the fields a, b', 'an unknown field');
  });
});
