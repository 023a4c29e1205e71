import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData, experimentDataset, type ExperimentData } from '../../src/design/experiment-data';
import { encoderRunConfig } from '../../src/plans/encoder-run';
import { preset } from '../../src/design/presets';
import { randomSubset } from '../../src/measure/subset-selection';
import { runStore } from '../../src/runs/run-store';
import { runKey } from '../../src/runs/run-key';
import { encoderStore } from '../../src/plans/encoder-store';
import { foldPlan, trainingPool } from '../../src/plans/fold-plan';
import { jobKey, jobRunConfig } from '../../src/plans/job-key';
import { localRunner, type JobMessage } from '../../src/plans/runner';
import { sidePlan } from '../../src/plans/side-plan';
import { trainingIds } from '../../src/plans/train-job';
import { sideJob, subsetJob } from '../../src/plans/training-job';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 80, extraSize: 10 },
  encoder: { hidden: [16], outDim: 8 },
  objective: { projector: { hidden: [8], outDim: 8 } },
  train: { epochs: 2, batchSize: 16, checkpointEpochs: [] },
  seeds: [0, 1],
  probe: { trainSize: 80, testSize: 10 },
});

const root = mkdtempSync(join(tmpdir(), 'sslmem-plans-'));
let data: ExperimentData;

before(async () => {
  await initBackend();
  data = await loadExperimentData(config);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('training jobs and their keys', () => {
  test('a job is plain JSON; its key ignores the label and names explicit ids by count and SHA-256', () => {
    const job = subsetJob(config, [5, 3, 9], 0, 'three');
    assert.deepEqual(JSON.parse(JSON.stringify(job)), job);
    assert.deepEqual(job.trainSet, { kind: 'ids', ids: [3, 5, 9] }, 'ids sorted');
    assert.equal(jobKey(job), jobKey({ ...job, label: 'other name' }));
    assert.equal(jobKey(job), jobKey(subsetJob(config, [9, 5, 3], 0, 'x')), 'same images in another order: the same run');
    assert.notEqual(jobKey(job), jobKey(subsetJob(config, [3, 5, 10], 0, 'x')));
    assert.notEqual(jobKey(job), jobKey(subsetJob(config, [3, 5, 9], 1, 'x')), 'the seed is part of the key');
    const record = jobRunConfig(job) as { ids: { count: number; sha256: string } };
    assert.equal(record.ids.count, 3);
    assert.match(record.ids.sha256, /^[0-9a-f]{64}$/);
    assert.equal(jobKey(subsetJob(config, [3, 5, 9], 0, 'x')), jobKey(subsetJob(withOverrides(config, { split: { seed: 7 } }), [3, 5, 9], 0, 'x')), 'explicit ids do not depend on the split');
  });

  test('the side plan is one f and one g per seed, keyed as encoderRunConfig', () => {
    const plan = sidePlan(config);
    assert.deepEqual(plan.map((j) => j.label), ['f seed 0', 'g seed 0', 'f seed 1', 'g seed 1']);
    assert.equal(jobKey(plan[1]), runKey(encoderRunConfig(config, 'g', 0)));
    assert.deepEqual(Array.from(trainingIds(plan[0], data)), Array.from([...data.split.S_S, ...data.split.S_C]).sort((a, b) => a - b));
  });

  test('train options pass through unchanged: finalLr and dropLast are part of the job and its key', () => {
    const tuned = withOverrides(config, { train: { finalLr: 1e-4, dropLast: false, schedule: 'cosine' } });
    assert.equal(sideJob(tuned, 'f', 0).train.finalLr, 1e-4);
    assert.equal(sideJob(tuned, 'f', 0).train.dropLast, false);
    assert.notEqual(jobKey(sideJob(tuned, 'f', 0)), jobKey(sideJob(config, 'f', 0)));
    assert.throws(() => withOverrides(config, { train: { finalLr: -1 } }), /train\.finalLr: expected a number >= 0/);
    assert.throws(() => withOverrides(config, { train: { dropLast: 'yes' } }), /train\.dropLast/);
    assert.throws(() => withOverrides(config, { train: { momentum: 1 } }), /train/);
  });

  test('explicit ids are checked against the train split before training', () => {
    const n = data.pair.train.labels.length;
    assert.throws(() => trainingIds({ ...subsetJob(config, [1], 0, 'bad'), trainSet: { kind: 'ids', ids: [n] } }, data), /job bad: trainSet\.ids\[0\]: expected distinct sorted ids into the train split/);
    assert.throws(() => trainingIds({ ...subsetJob(config, [1], 0, 'dup'), trainSet: { kind: 'ids', ids: [2, 2] } }, data), /trainSet\.ids\[1\]/);
  });

  test('the data is loaded once per process', async () => {
    const a = await experimentDataset({ name: 'mnist' });
    const b = await experimentDataset({ name: 'mnist' });
    assert.equal(a, b);
    assert.equal((await loadExperimentData(preset('quick'))).pair, a);
  });
});

describe('fold plans', () => {
  test('the folds partition the pool; f sees the pool, g_k all but fold k; f is the 100% subset job', () => {
    const plan = foldPlan(config, data, { folds: 4 });
    const pool = trainingPool(data);
    assert.deepEqual(Array.from(plan.pool), Array.from(pool));
    assert.equal(pool.length, 80);
    const sizes = [0, 1, 2, 3].map((k) => plan.foldOf.filter((f) => f === k).length);
    assert.deepEqual(sizes, [20, 20, 20, 20]);
    assert.equal(plan.jobs.length, 2 * 5);
    assert.equal(jobKey(plan.full(0)), jobKey(subsetJob(config, pool, 0, 'x')));
    for (let k = 0; k < 4; k++) {
      const ids = new Set(trainingIds(plan.without(k, 1), data));
      pool.forEach((id, i) => assert.equal(ids.has(id), plan.foldOf[i] !== k));
    }
    assert.deepEqual(Array.from(foldPlan(config, data, { folds: 4 }).foldOf), Array.from(plan.foldOf), 'deterministic');
    assert.throws(() => foldPlan(config, data, { folds: 1 }), /folds: expected an integer in 2\.\.80/);
  });

  test('a random coreset of 80% and "remove 20% at random" are one subset', () => {
    const pool = trainingPool(data);
    assert.deepEqual(Array.from(randomSubset(pool, 64, 2)), Array.from(randomSubset(pool, 64, 2)));
    assert.notDeepEqual(Array.from(randomSubset(pool, 64, 2)), Array.from(randomSubset(pool, 64, 3)));
  });
});

describe('localRunner', () => {
  test('trains each missing job once (duplicates share a key), reports epochs by label, reuses stored jobs, and loads them', async () => {
    const store = runStore(join(root, 'runner'));
    const runner = localRunner({ store, workers: 1 });
    const pool = trainingPool(data);
    const a = subsetJob(config, pool.slice(0, 40), 0, 'first half');
    const plan = [a, { ...a, label: 'the same again' }, subsetJob(config, pool.slice(40), 0, 'second half')];
    const messages: JobMessage[] = [];
    const first = await runner.run(plan, { onEpoch: (m) => messages.push(m) });
    assert.equal(first.trained.length, 2);
    assert.equal(first.reused, 0);
    assert.deepEqual(messages.map((m) => `${m.label} ${m.epoch}/${m.epochs}`), ['first half 1/2', 'first half 2/2', 'second half 1/2', 'second half 2/2']);
    const second = await runner.run(plan);
    assert.deepEqual([second.trained.length, second.reused], [0, 2]);
    const before = tf.memory().numTensors;
    const model = await runner.encoders.load(a);
    assert.equal(model.label, 'first half');
    assert.equal(model.side, undefined);
    assert.equal(encoderStore(store).history(a)?.numRows(), 2);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(runner.encoders.load(subsetJob(config, pool.slice(0, 10), 0, 'never')), /a trained encoder for job never/);
  });

  test('two worker threads give the same weights as this thread', async () => {
    const pool = trainingPool(data);
    const plan = [subsetJob(config, pool.slice(0, 48), 0, 'a'), subsetJob(config, pool.slice(16), 1, 'b')];
    const one = localRunner({ store: runStore(join(root, 'one')), workers: 1 });
    const two = localRunner({ store: runStore(join(root, 'two')), workers: 2 });
    await one.run(plan);
    await two.run(plan);
    for (const job of plan) {
      const x = await one.encoders.load(job);
      const y = await two.encoders.load(job);
      x.encoder.variables.forEach((v, i) => assert.deepEqual(v.dataSync(), y.encoder.variables[i].dataSync(), `${job.label} variable ${i}`));
      x.dispose();
      y.dispose();
    }
  });
});
