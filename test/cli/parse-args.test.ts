import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, parseArgs, parseOptionValue, type OptionSpec } from '../../src/cli/parse-args';
import { overridesFromAssignments, parseSetAssignment } from '../../src/cli/set-assignment';
import { formatHelp } from '../../src/cli/format-help';
import { InputError } from '../../src/util/errors';

const specs: OptionSpec[] = [
  { name: 'preset', kind: 'choice', choices: ['quick', 'laptop', 'paper'], default: 'quick', description: 'preset' },
  { name: 'epochs', kind: 'integer', min: 1, description: 'epochs' },
  { name: 'lr', kind: 'number', min: 0, description: 'lr' },
  { name: 'seeds', kind: 'integer-list', min: 0, description: 'seeds' },
  { name: 'set', kind: 'string', repeated: true, description: 'set' },
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'out' },
  { name: 'verbose', kind: 'flag', description: 'verbose' },
];
const parse = (argv: string[]) => parseArgs(argv, specs, { command: 'sslmem test' });

/** The InputError thrown by `fn`, checked to mention every string of `parts`. */
function throwsMentioning(fn: () => unknown, parts: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    for (const part of parts) assert.ok(error.message.includes(part), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(part)}`);
    return true;
  });
}

describe('parseArgs', () => {
  test('reads --name value and --name=value, typed, with defaults and flags', () => {
    const { values, help } = parse(['--epochs', '5', '--lr=0.5', '--seeds', '0,1,2', '--out', 'o', '--verbose']);
    assert.equal(help, false);
    assert.deepEqual(values, { epochs: 5, lr: 0.5, seeds: [0, 1, 2], out: 'o', verbose: true, preset: 'quick', set: [] });
  });

  test('repeated options collect their values in order; a JSON array works for lists', () => {
    const { values } = parse(['--set', 'a=1', '--set=b.c=[1,2]', '--seeds', '[3, 4]']);
    assert.deepEqual(values.set, ['a=1', 'b.c=[1,2]']);
    assert.deepEqual(values.seeds, [3, 4]);
  });

  test('--help or -h anywhere before -- wins over bad arguments', () => {
    assert.equal(parse(['--nope', '--help']).help, true);
    assert.equal(parse(['-h']).help, true);
  });

  test('unknown options name themselves and suggest the closest', () => {
    throwsMentioning(() => parse(['--epoch', '3']), ['option --epoch', 'unknown option', 'did you mean --epochs?', 'sslmem test --help']);
    throwsMentioning(() => parse(['--zzzzzz']), ['option --zzzzzz', 'unknown option']);
    throwsMentioning(() => parse(['-x']), ['sslmem test', '"-x"']);
  });

  test('bad values say which option, what was expected and what was found', () => {
    throwsMentioning(() => parse(['--epochs', 'ten']), ['option --epochs', 'expected an integer >= 1', 'found "ten"']);
    throwsMentioning(() => parse(['--epochs', '0']), ['option --epochs', 'an integer >= 1', '"0"']);
    throwsMentioning(() => parse(['--epochs', '2.5']), ['option --epochs', '"2.5"']);
    throwsMentioning(() => parse(['--lr', '-1']), ['option --lr', 'a number >= 0', '"-1"']);
    throwsMentioning(() => parse(['--lr', 'abc']), ['option --lr', '"abc"']);
    throwsMentioning(() => parse(['--preset', 'quik']), ['option --preset', 'one of quick, laptop, paper', '"quik"', 'did you mean quick?']);
    throwsMentioning(() => parse(['--seeds', '0,x']), ['option --seeds', 'comma-separated integers', '"0,x"']);
    throwsMentioning(() => parse(['--seeds', '0,-1']), ['option --seeds', '>= 0']);
  });

  test('a missing value, a value on a flag and a repeated single option are errors', () => {
    throwsMentioning(() => parse(['--out']), ['option --out', 'a value DIR', 'found nothing']);
    throwsMentioning(() => parse(['--out', '--verbose']), ['option --out', 'found the option --verbose']);
    throwsMentioning(() => parse(['--verbose=yes']), ['option --verbose', 'no value']);
    throwsMentioning(() => parse(['--epochs', '1', '--epochs', '2']), ['option --epochs', 'at most one value', '1 and 2']);
  });

  test('a negative number is taken as the value it follows', () => {
    throwsMentioning(() => parse(['--epochs', '-3']), ['option --epochs', '"-3"']);
  });

  test('positionals: required, choices, extra ones, and -- ends the options', () => {
    const positionals = [{ name: 'name', description: 'dataset', choices: ['mnist', 'cifar10'] }];
    const p = (argv: string[]) => parseArgs(argv, specs, { command: 'sslmem download', positionals });
    assert.deepEqual(p(['mnist', '--epochs', '2']).positionals, { name: 'mnist' });
    assert.deepEqual(p(['--', 'cifar10']).positionals, { name: 'cifar10' });
    throwsMentioning(() => p([]), ['sslmem download', '<name>', 'found nothing']);
    throwsMentioning(() => p(['mnst']), ['argument <name>', 'one of mnist, cifar10', 'did you mean mnist?']);
    throwsMentioning(() => p(['mnist', 'more']), ['at most 1 argument', '"more"']);
    throwsMentioning(() => parse(['stray']), ['only options', '"stray"']);
  });

  test('parseOptionValue and closestName', () => {
    assert.equal(parseOptionValue({ name: 'n', kind: 'integer', description: '' }, '-4'), -4);
    assert.equal(closestName('scor', ['train', 'score', 'probe']), 'score');
    assert.equal(closestName('xyz', ['train', 'score', 'probe']), undefined);
  });
});

describe('--set assignments', () => {
  test('values are JSON when they parse, text otherwise', () => {
    assert.deepEqual(parseSetAssignment('train.epochs=50'), { path: ['train', 'epochs'], value: 50 });
    assert.deepEqual(parseSetAssignment('seeds=[0,1]'), { path: ['seeds'], value: [0, 1] });
    assert.deepEqual(parseSetAssignment('score.normalize=false'), { path: ['score', 'normalize'], value: false });
    assert.deepEqual(parseSetAssignment('dataset.name=kmnist'), { path: ['dataset', 'name'], value: 'kmnist' });
    assert.deepEqual(parseSetAssignment('name="7"'), { path: ['name'], value: '7' });
    assert.deepEqual(parseSetAssignment('objective.projector={"outDim":8}'), { path: ['objective', 'projector'], value: { outDim: 8 } });
    assert.deepEqual(parseSetAssignment('x=a=b'), { path: ['x'], value: 'a=b' });
  });

  test('malformed assignments are rejected', () => {
    throwsMentioning(() => parseSetAssignment('train.epochs'), ['option --set', 'path=value', '"train.epochs"']);
    throwsMentioning(() => parseSetAssignment('=3'), ['option --set']);
    throwsMentioning(() => parseSetAssignment('train..epochs=3'), ['option --set', 'field path', '"train..epochs"']);
  });

  test('assignments build one nested object, later ones winning', () => {
    const overrides = overridesFromAssignments(
      ['train.epochs=5', 'train.lr=0.1', 'seeds=[1]', 'train.epochs=7', 'score={"pairs":3}', 'score.seed=2'].map((s) => parseSetAssignment(s)),
    );
    assert.deepEqual(overrides, { train: { epochs: 7, lr: 0.1 }, seeds: [1], score: { pairs: 3, seed: 2 } });
  });
});

describe('formatHelp', () => {
  test('lists usage, every option with its value name and default, and examples', () => {
    const text = formatHelp({ command: 'sslmem test', summary: 'Does things.', options: specs, examples: ['sslmem test --epochs 2'] });
    assert.match(text, /^Usage: sslmem test \[options\]/);
    for (const s of specs) assert.ok(text.includes(`--${s.name}`), s.name);
    assert.ok(text.includes('--out DIR'));
    assert.ok(text.includes('default quick'));
    assert.ok(text.includes('--help, -h'));
    assert.ok(text.includes('sslmem test --epochs 2'));
  });
});
