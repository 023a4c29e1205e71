import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperimentConfig } from '../../src/cli/experiment-options';
import { preset } from '../../src/design/presets';
import { InputError } from '../../src/util/errors';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-cli-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('resolveExperimentConfig', () => {
  test('default: the quick MNIST preset', () => {
    assert.deepEqual(resolveExperimentConfig({ preset: 'quick' }), preset('quick', 'mnist'));
    assert.deepEqual(resolveExperimentConfig({}), preset('quick', 'mnist'));
  });

  test('--preset and --dataset pick the preset family', () => {
    const c = resolveExperimentConfig({ preset: 'laptop', dataset: 'cifar10' });
    assert.deepEqual(c, preset('laptop', 'cifar10'));
    assert.equal(c.encoder.kind, 'resnet');
  });

  test('--epochs drops checkpoint epochs past the new last epoch; --seeds and --data-dir land in the config', () => {
    const base = preset('quick');
    assert.deepEqual(base.train.checkpointEpochs, [10, 20]);
    const c = resolveExperimentConfig({ preset: 'quick', epochs: 15, seeds: [3, 4], 'data-dir': '/data/m' });
    assert.equal(c.train.epochs, 15);
    assert.deepEqual(c.train.checkpointEpochs, [10]);
    assert.deepEqual(c.seeds, [3, 4]);
    assert.equal(c.dataset.dir, '/data/m');
    assert.equal(c.train.batchSize, base.train.batchSize, 'other train fields kept');
    assert.deepEqual(resolveExperimentConfig({ epochs: 2 }).train.checkpointEpochs, []);
  });

  test('explicit checkpoint epochs are kept and checked', () => {
    const c = resolveExperimentConfig({ set: ['train.epochs=4', 'train.checkpointEpochs=[2]'] });
    assert.deepEqual(c.train.checkpointEpochs, [2]);
    assert.throws(() => resolveExperimentConfig({ set: ['train.epochs=4', 'train.checkpointEpochs=[5]'] }), /checkpointEpochs\[0\]: expected an epoch in 1\.\.4, found 5/);
  });

  test('precedence: preset < --config < --set (in order) < --epochs / --seeds', () => {
    const path = file('partial.json', JSON.stringify({ train: { epochs: 12, lr: 0.01 }, seeds: [5], score: { pairs: 6 } }));
    const c = resolveExperimentConfig({ config: path, set: ['train.lr=0.02', 'score.pairs=7', 'score.pairs=8'], epochs: 9 });
    assert.equal(c.train.lr, 0.02);
    assert.equal(c.score.pairs, 8);
    assert.equal(c.train.epochs, 9);
    assert.deepEqual(c.seeds, [5]);
    assert.equal(c.score.mode, 'pairs', 'fields the file leaves out come from the preset');
  });

  test('a config file naming a dataset picks that family; a full config file round-trips', () => {
    const partial = file('cifar.json', JSON.stringify({ dataset: { name: 'cifar100' } }));
    assert.equal(resolveExperimentConfig({ config: partial }).encoder.kind, 'resnet');
    const full = preset('laptop', 'kmnist');
    const path = file('full.json', JSON.stringify(full));
    assert.deepEqual(resolveExperimentConfig({ config: path, preset: 'laptop' }), full);
  });

  test('--align-reg wraps the resolved objective in the alignment regulariser; 0 leaves it as it is', () => {
    const base = resolveExperimentConfig({ preset: 'quick', objective: 'byol' });
    const c = resolveExperimentConfig({ preset: 'quick', objective: 'byol', 'align-reg': 0.5 });
    assert.equal(c.objective.name, 'align-reg');
    assert.equal(c.objective.weight, 0.5);
    assert.deepEqual(c.objective.inner, base.objective);
    assert.deepEqual(c.encoder, base.encoder);
    assert.deepEqual(resolveExperimentConfig({ preset: 'quick', 'align-reg': 0 }), preset('quick'));
    const twice = file('reg.json', JSON.stringify({ objective: { name: 'align-reg', inner: { name: 'simclr' }, weight: 1 } }));
    assert.throws(() => resolveExperimentConfig({ config: twice, 'align-reg': 2 }), (e: unknown) => e instanceof InputError && /--align-reg/.test(e.message) && /objective\.weight/.test(e.message));
  });

  test('errors name the option or the field', () => {
    assert.throws(() => resolveExperimentConfig({ config: join(dir, 'missing.json') }), (e: unknown) => e instanceof InputError && /option --config: expected a readable JSON file, found .*missing\.json.*no such file/.test(e.message));
    const bad = file('bad.json', '{ "train": ');
    assert.throws(() => resolveExperimentConfig({ config: bad }), /bad\.json: expected JSON text, found invalid JSON/);
    const array = file('array.json', '[1]');
    assert.throws(() => resolveExperimentConfig({ config: array }), /expected a JSON object.*found an array/);
    assert.throws(() => resolveExperimentConfig({ set: ['train.epoch=3'] }), /train\.epoch: expected one of the fields epochs, .*found an unknown field/);
    assert.throws(() => resolveExperimentConfig({ set: ['train.epochs="many"'] }), /train\.epochs: expected an integer >= 1, found "many"/);
    assert.throws(() => resolveExperimentConfig({ set: ['dataset.name=nope'] }), /dataset\.name: expected one of mnist/);
    assert.throws(() => resolveExperimentConfig({ set: ['seeds=[1,1]'] }), /seeds: expected distinct seeds/);
  });
});

describe('hostile --set and --config', () => {
  /** Asserts `f` throws an `InputError` whose message matches `pattern`. */
  const refuses = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message), `expected an InputError matching ${pattern}`);
  const reachesPrototype = "expected a field name other than __proto__, prototype, constructor \\(keys that reach an object's prototype\\)";

  test('--set paths through __proto__, prototype or constructor are refused, and Object.prototype is left alone', () => {
    refuses(() => resolveExperimentConfig({ set: ['__proto__.polluted=1'] }), new RegExp(`^option --set __proto__\\.polluted: ${reachesPrototype}, found path segment "__proto__"$`));
    refuses(() => resolveExperimentConfig({ set: ['train.__proto__.epochs=1000000'] }), /^option --set train\.__proto__\.epochs: .*found path segment "__proto__"$/);
    refuses(() => resolveExperimentConfig({ set: ['__proto__.dir=/etc'] }), /^option --set __proto__\.dir: /);
    refuses(() => resolveExperimentConfig({ set: ['constructor.prototype.polluted=1'] }), /^option --set constructor\.prototype\.polluted: .*found path segment "constructor"$/);
    refuses(() => resolveExperimentConfig({ set: ['objective={"__proto__":{"temperature":9}}'] }), /^option --set objective\.__proto__: .*found key "__proto__"$/);
    const proto = Object.prototype as Record<string, unknown>;
    assert.equal(proto.polluted, undefined);
    assert.equal(proto.epochs, undefined);
    assert.equal(proto.dir, undefined);
  });

  test('--set numbers that overflow say "a finite number" and show the text', () => {
    refuses(() => resolveExperimentConfig({ set: ['train.lr=1e999'] }), /^option --set train\.lr: expected a finite number, found 1e999 \(Infinity\)$/);
    refuses(() => resolveExperimentConfig({ set: ['seeds=[0,-1e999]'] }), /^option --set seeds\[1\]: expected a finite number, found -Infinity$/);
  });

  test('--set strings have a length limit and the config name a shorter one', () => {
    refuses(() => resolveExperimentConfig({ set: [`name=${'a'.repeat(10_000_000)}`] }), /^option --set name: expected a string of at most 4096 characters, found 10000000 characters$/);
    refuses(() => resolveExperimentConfig({ set: [`name=${'a'.repeat(1000)}`] }), /^experiment config\.name: expected a string of at most 256 characters, found 1000 characters$/);
  });

  test('--config: own __proto__ keys, nesting 20,000 deep, 1e999 and huge strings are refused naming the file and field', () => {
    refuses(() => resolveExperimentConfig({ config: file('proto.json', '{"train": {"__proto__": {"epochs": 1000000}}}') }), /^--config .*proto\.json: train\.__proto__: expected a field name other than/);
    refuses(() => resolveExperimentConfig({ config: file('ctor.json', '{"constructor": {"prototype": {"polluted": 1}}}') }), /ctor\.json: constructor: expected a field name other than/);
    refuses(() => resolveExperimentConfig({ config: file('deep.json', `{"seeds": ${'['.repeat(20_000)}0${']'.repeat(20_000)}}`) }), /^--config .*deep\.json: seeds\[0\]\[0\].*: expected nesting at most 32 levels deep, found deeper nesting$/);
    refuses(() => resolveExperimentConfig({ config: file('deep2.json', `{"encoder": {"x": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}`) }), /deep2\.json: encoder\.x\.a\.a.*: expected nesting at most 32 levels deep/);
    refuses(() => resolveExperimentConfig({ config: file('lr.json', '{"train": {"lr": 1e999}}') }), /lr\.json: train\.lr: expected a finite number, found Infinity$/);
    refuses(() => resolveExperimentConfig({ config: file('name.json', JSON.stringify({ name: 'x'.repeat(10_000_000) })) }), /name\.json: name: expected a string of at most 4096 characters, found 10000000 characters$/);
    refuses(() => resolveExperimentConfig({ config: file('array.json', '[1]') }), /expected a JSON object .*found an array$/);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });
});
