import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetLoaders, type DatasetName } from '../../src/data/load-dataset';
import { maxConfigEpochs, maxConfigNameLength, validateExperimentConfig, withObjective, withOverrides, type ExperimentConfig } from '../../src/design/experiment-config';
import { preset, presetNames } from '../../src/design/presets';
import { InputError } from '../../src/util/errors';

// The named datasets (an image folder's presets are folderPreset's: test/design/folder-preset.test.ts).
const datasets = Object.keys(datasetLoaders).filter((n) => n !== 'folder') as DatasetName[];

/** Asserts `fn` throws an InputError whose message contains the field and the expectation. */
function rejects(fn: () => unknown, field: string, expected: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.ok(e.message.includes(field), `${e.message} lacks ${field}`);
    assert.ok(e.message.includes(expected), `${e.message} lacks ${expected}`);
    return true;
  });
}

describe('presets', () => {
  test('every preset of every dataset validates and names its dataset', () => {
    for (const name of presetNames) {
      for (const dataset of datasets) {
        const c = preset(name, dataset);
        assert.equal(validateExperimentConfig(c), c);
        assert.equal(c.name, name);
        assert.equal(c.dataset.name, dataset);
        assert.ok(c.train.checkpointEpochs.every((e) => e < c.train.epochs));
        const f = c.split.fractions;
        assert.ok(Math.abs(f.shared + f.candidate + f.independent - 1) < 1e-12);
      }
    }
  });

  test('families: digits use an MLP, natural images a ResNet; the default dataset is MNIST', () => {
    assert.equal(preset('quick', 'kmnist').encoder.kind, 'mlp');
    assert.equal(preset('quick', 'stl10').encoder.kind, 'resnet');
    assert.equal(preset('paper', 'cifar10').augment.preset, 'natural');
    assert.deepEqual(preset('laptop'), preset('laptop', 'mnist'));
    assert.ok(preset('quick').train.epochs < preset('laptop').train.epochs);
    assert.ok(preset('laptop').seeds.length > 1, 'laptop averages several seeds per side');
  });

  test('unknown preset or dataset names are rejected', () => {
    rejects(() => preset('huge'), 'preset name', 'one of quick, laptop, paper');
    rejects(() => preset('quick', 'imagenet' as DatasetName), 'preset dataset', 'one of');
  });

  test('presets are fresh copies: changing one does not change the next', () => {
    const a = preset('quick') as unknown as { seeds: number[] };
    a.seeds.push(99);
    assert.deepEqual(preset('quick').seeds, [0]);
  });
});

describe('withOverrides', () => {
  const base = preset('quick');

  test('merges objects field by field, replaces arrays and values, leaves the base alone', () => {
    const before = JSON.stringify(base);
    const c = withOverrides(base, { train: { epochs: 50, checkpointEpochs: [25] }, seeds: [3, 4], encoder: { hidden: [8] }, split: { fractions: { candidate: 0.3 } } });
    assert.equal(c.train.epochs, 50);
    assert.deepEqual(c.train.checkpointEpochs, [25]);
    assert.equal(c.train.lr, base.train.lr);
    assert.equal(c.train.batchSize, base.train.batchSize);
    assert.deepEqual(c.seeds, [3, 4]);
    assert.deepEqual(c.encoder, { ...base.encoder, hidden: [8] });
    assert.deepEqual(c.split.fractions, { ...base.split.fractions, candidate: 0.3 });
    assert.equal(JSON.stringify(base), before, 'base unchanged');
    assert.deepEqual(withOverrides(base, {}), base);
  });

  test('a full config as overrides gives that config', () => {
    const other = preset('paper', 'cifar100');
    assert.deepEqual(withOverrides(base, other as unknown as Record<string, unknown>), other);
  });

  test('rejects bad values, naming the field', () => {
    rejects(() => withOverrides(base, { train: { epochs: 0 } }), 'train.epochs', 'an integer >= 1');
    rejects(() => withOverrides(base, { train: { epochs: 15 } }), 'train.checkpointEpochs[1]', 'an epoch in 1..15');
    rejects(() => withOverrides(base, { train: { batchSize: 1 } }), 'train.batchSize', 'an integer >= 2');
    rejects(() => withOverrides(base, { train: { lr: -1 } }), 'train.lr', 'a number > 0');
    rejects(() => withOverrides(base, { train: { schedule: 'linear' } }), 'train.schedule', '"constant", "cosine"');
    rejects(() => withOverrides(base, { seeds: [] }), 'seeds', 'a non-empty array');
    rejects(() => withOverrides(base, { seeds: [1, 1] }), 'seeds', 'distinct seeds');
    rejects(() => withOverrides(base, { seeds: [0.5] }), 'seeds', 'integer seeds');
    rejects(() => withOverrides(base, { split: { trainSize: 5 } }), 'split.trainSize', 'an integer >= 10');
    rejects(() => withOverrides(base, { score: { pairs: 0 } }), 'score.pairs', 'an integer >= 1');
    rejects(() => withOverrides(base, { score: { on: 'head' } }), 'score.on', '"representation", "projection"');
    rejects(() => withOverrides(base, { score: { mode: 'triples' } }), 'score.mode', '"pairs", "clean"');
    rejects(() => withOverrides(base, { probe: { testSize: -1 } }), 'probe.testSize', 'an integer >= 1');
    rejects(() => withOverrides(base, { probe: { trainSize: 0 } }), 'probe.trainSize', 'an integer >= 1');
    rejects(() => withOverrides(base, { dataset: { name: 'imagenet' } }), 'dataset.name', 'one of "mnist"');
  });

  test('rejects unknown fields (a misspelt override would otherwise be ignored)', () => {
    rejects(() => withOverrides(base, { train: { epoch: 5 } }), 'train.epoch', 'one of the fields epochs, batchSize');
    rejects(() => withOverrides(base, { sedes: [1] } as never), 'config "quick".sedes', 'one of the fields name, dataset');
    rejects(() => withOverrides(base, { split: { fractions: { candidates: 0.1 } } }), 'split.fractions.candidates', 'one of the fields shared');
    rejects(() => withOverrides(base, { score: { pair: 3 } }), 'score.pair', 'one of the fields pairs');
    // Open parts (encoder, objective, augment) are checked by their own checks, up front.
    rejects(() => withOverrides(base, { encoder: { dropout: 0.1 } }), 'mlpEncoder options.dropout', 'one of the fields inputShape, hidden');
    rejects(() => withOverrides(base, { objective: { temperature: -1 } }), 'simclr config.temperature', 'a finite number in (0, inf)');
    rejects(() => withOverrides(base, { augment: { preset: 'digits', noise: { std: -1 } } }), 'gaussianNoise: options.std', 'a number in [0');
    rejects(() => withOverrides(base, { encoder: { seed: 3 } }), 'encoder.seed', 'the experiment sets it');
  });

  test('checks sizes against the dataset before anything loads', () => {
    rejects(() => withOverrides(base, { split: { trainSize: 60001 } }), 'split.trainSize', 'at most 60000 (the train split of mnist)');
    rejects(() => withOverrides(base, { split: { extraSize: 10001 } }), 'split.extraSize', 'at most 10000');
    rejects(() => withOverrides(base, { probe: { trainSize: 70000 } }), 'probe.trainSize', 'at most 60000');
    rejects(() => withOverrides(base, { probe: { testSize: 20000 } }), 'probe.testSize', 'at most 10000');
    rejects(() => withOverrides(base, { dataset: { name: 'stl10' }, split: { trainSize: 6000 } }), 'split.trainSize', 'at most 5000 (the train split of stl10)');
    rejects(() => withOverrides(base, { split: { fractions: { shared: 0.8, candidate: 0.006, independent: 0.1 } } }), 'split.fractions.candidate', 'S_C at least 2');
    rejects(() => withOverrides(base, { split: { fractions: { shared: 0.8, candidate: 0.3, independent: 0.1 } } }), 'split.fractions', 'summing to at most 1');
    rejects(
      () => withOverrides(base, { split: { trainSize: 60, fractions: { shared: 0.5, candidate: 0.25, independent: 0.25 } } }),
      'train.batchSize',
      'at most the images an encoder trains on (f: S_S + S_C = 45, g: S_S + S_I = 45',
    );
    // Synthetic data is generated at the size asked for.
    assert.equal(withOverrides(base, { dataset: { name: 'synthetic' }, split: { trainSize: 70000 } }).split.trainSize, 70000);
  });

  test('validateExperimentConfig rejects a missing part', () => {
    const { probe: _, ...partial } = base;
    rejects(() => validateExperimentConfig(partial as ExperimentConfig), 'probe', 'a value');
  });
});

describe('withOverrides of parts that depend on a kind', () => {
  const base = preset('quick');

  test('changing encoder.kind, objective.name or augment.preset replaces the part', () => {
    const c = withOverrides(base, { encoder: { kind: 'cnn', widths: [8] }, augment: { preset: 'natural' } });
    assert.deepEqual(c.encoder, { kind: 'cnn', widths: [8] });
    assert.deepEqual(c.augment, { preset: 'natural' });
    rejects(() => withOverrides(base, { objective: { name: 'nope' } }), 'objective config.name', 'one of simclr');
    const opt = withOverrides(base, { train: { optimizer: { name: 'sgd', momentum: 0.9 } } });
    assert.deepEqual(opt.train.optimizer, { name: 'sgd', momentum: 0.9 });
  });

  test('the same kind merges field by field', () => {
    const c = withOverrides(base, { encoder: { kind: 'mlp', outDim: 8 }, objective: { temperature: 0.1 } });
    assert.deepEqual(c.encoder, { ...base.encoder, outDim: 8 });
    assert.deepEqual(c.objective, { ...base.objective, temperature: 0.1 });
  });
});

describe('configs from users: prototype keys, sizes, nesting and numbers', () => {
  const base = preset('quick');

  test('an own __proto__, prototype or constructor key is refused with the field named, and nothing is polluted', () => {
    rejects(() => withOverrides(base, JSON.parse('{"train": {"__proto__": {"epochs": 1000000}}}')), 'overrides.train.__proto__', "keys that reach an object's prototype");
    rejects(() => withOverrides(base, JSON.parse('{"objective": {"constructor": {"prototype": {"x": 1}}}}')), 'overrides.objective.constructor', 'a field name other than __proto__');
    rejects(() => validateExperimentConfig({ ...base, train: JSON.parse(`{"__proto__": {}, ${JSON.stringify(base.train).slice(1)}`) }), 'experiment config "quick".train.__proto__', 'a field name other than');
    rejects(() => withObjective(base, JSON.parse('{"name": "byol", "__proto__": {"momentum": 2}}')), 'withObjective objective.__proto__', 'a field name other than');
    assert.equal(({} as Record<string, unknown>).epochs, undefined);
    assert.equal(withOverrides(base, {}).train.epochs, base.train.epochs);
  });

  test('epochs have an upper bound (every preset stays below it)', () => {
    rejects(() => withOverrides(base, { train: { epochs: 1e12, checkpointEpochs: [] } }), 'train.epochs', `at most ${maxConfigEpochs} epochs`);
    rejects(() => withOverrides(base, { probe: { epochs: 1e9 } }), 'probe.epochs', `at most ${maxConfigEpochs} epochs`);
    assert.equal(withOverrides(base, { train: { epochs: maxConfigEpochs } }).train.epochs, maxConfigEpochs);
    for (const dataset of datasets) for (const name of presetNames) assert.ok(preset(name, dataset).train.epochs <= maxConfigEpochs);
  });

  test('a name has a length limit; a 10 MB name is refused without being echoed', () => {
    const huge = 'n'.repeat(10_000_000);
    assert.throws(() => validateExperimentConfig({ ...base, name: huge }), (e: unknown) => e instanceof InputError && /^experiment config\.name: expected a string of at most 256 characters, found 10000000 characters$/.test(e.message));
    assert.throws(() => withOverrides(base, { name: huge }), (e: unknown) => e instanceof InputError && /^overrides\.name: expected a string of at most 4096 characters, found 10000000 characters$/.test(e.message));
    assert.throws(() => withOverrides(base, { name: 'n'.repeat(maxConfigNameLength + 1) }), /name: expected a string of at most 256 characters/);
    assert.equal(withOverrides(base, { name: 'n'.repeat(maxConfigNameLength) }).name.length, maxConfigNameLength);
  });

  test('overflowing numbers say "a finite number" and show Infinity, not null', () => {
    assert.throws(() => withOverrides(base, { train: { lr: JSON.parse('1e999') } }), (e: unknown) => e instanceof InputError && /train\.lr: expected a finite number, found Infinity$/.test(e.message));
    assert.throws(() => validateExperimentConfig({ ...base, train: { ...base.train, lr: NaN } }), /"quick"\.train\.lr: expected a finite number, found NaN$/);
  });

  test('overrides nested 20,000 deep: an error naming where, not a stack overflow', () => {
    const deep = JSON.parse(`{"train": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`);
    assert.throws(() => withOverrides(base, deep), (e: unknown) => e instanceof InputError && /^overrides\.train\.a\.a.*: expected nesting at most 32 levels deep/.test(e.message));
  });
});
