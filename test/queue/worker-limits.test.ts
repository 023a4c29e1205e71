import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { preset } from '../../src/design/presets';
import { sidePlan } from '../../src/plans/side-plan';
import { subsetJob } from '../../src/plans/training-job';
import { checkWorkerLimits, defaultWorkerLimits, shortLabel } from '../../src/queue/worker-limits';

const [f] = sidePlan(preset('quick'));
const refused = (job: unknown, pattern: RegExp, limits = defaultWorkerLimits) =>
  assert.throws(() => checkWorkerLimits(job as typeof f, limits, 'queued job K.job'), (e: Error) => e.name === 'InputError' && pattern.test(e.message), `expected ${pattern}`);

describe('worker limits', () => {
  test('every preset fits the defaults', () => {
    for (const name of ['quick', 'laptop', 'paper']) for (const job of sidePlan(preset(name))) checkWorkerLimits(job, defaultWorkerLimits, name);
  });

  test('beyond a limit: the field, the limit and the option that raises it', () => {
    refused({ ...f, train: { ...f.train, epochs: 1e9 } }, /queued job K\.job\.train\.epochs: expected at most 10000 epochs \(this worker's limit; start it with --max-epochs N to allow more\), found 1000000000/);
    refused({ ...f, split: { ...f.split, trainSize: 200_000 } }, /split\.trainSize: expected at most 100000 training images .*--max-train-size N.*found 200000/);
    refused(subsetJob(preset('quick'), Array.from({ length: 11 }, (_, i) => i), 0, 'eleven'), /trainSet\.ids: expected at most 10 training images .*found 11 ids/, { ...defaultWorkerLimits, maxTrainSize: 10 });
    refused({ ...f, dataset: { name: 'synthetic', synthetic: { n: 500_000, nTest: 10, seed: 0 } } }, /dataset\.synthetic\.n: expected at most 100000/);
    refused({ ...f, label: 'x'.repeat(10_000) }, /label: expected at most 200 characters .*--max-label N.*found 10000 characters/);
    checkWorkerLimits({ ...f, train: { ...f.train, epochs: 20_000 } }, { ...defaultWorkerLimits, maxEpochs: 20_000 }, 'raised');
  });

  test('labels are cut for printing, control characters shown as ?', () => {
    assert.equal(shortLabel('f seed 0'), 'f seed 0');
    assert.equal(shortLabel('x'.repeat(10_000)), `${'x'.repeat(60)}...(10000 characters)`);
    assert.equal(shortLabel('a\u001b[2Jb\nc'), 'a?[2Jb?c');
  });
});
