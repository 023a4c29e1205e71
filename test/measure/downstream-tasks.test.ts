import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createEncoder } from '../../src/encoders/create-encoder';
import type { Encoder } from '../../src/encoders/encoder';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import {
  defaultDownstreamSettings,
  downstreamKey,
  downstreamOfJob,
  downstreamSettingsFor,
  downstreamTaskText,
  downstreamTasks,
  evaluateDownstream,
} from '../../src/measure/downstream-tasks';
import { downstreamRegistry } from '../../src/measure/downstream/registry';
import { sideJob } from '../../src/plans/training-job';
import { encoderConfigOf } from '../../src/plans/train-side';
import { runStore } from '../../src/runs/run-store';
import { InputError } from '../../src/util/errors';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 60, extraSize: 12 },
  encoder: { hidden: [16], outDim: 8 },
  train: { epochs: 1, batchSize: 16, checkpointEpochs: [] },
  probe: { trainSize: 60, testSize: 12, epochs: 3 },
});
const root = mkdtempSync(join(tmpdir(), 'sslmem-downstream-'));
let encoder: Encoder;
before(async () => {
  await initBackend();
  const data = await loadExperimentData(config);
  encoder = createEncoder(encoderConfigOf(config, data.pair.train.shape, 1));
});
after(() => {
  encoder.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('the downstream registry', () => {
  test('one task per registry entry, in report order, named as its key, with its text and sizes', () => {
    assert.deepEqual(downstreamTasks, ['probe', 'knn', 'fashion', 'segmentation', 'few-label-probe', 'few-label-knn']);
    for (const t of downstreamTasks) {
      assert.equal(downstreamRegistry[t].name, t);
      assert.equal(downstreamTaskText[t], downstreamRegistry[t].text);
    }
    assert.deepEqual(defaultDownstreamSettings.knn, { k: 20 });
    assert.deepEqual(downstreamSettingsFor('laptop'), defaultDownstreamSettings);
    assert.deepEqual(downstreamSettingsFor('quick').fashion, { trainSize: 1000, testSize: 500, epochs: 30 });
    assert.deepEqual(downstreamSettingsFor('quick').segmentation, { trainCanvases: 400, testCanvases: 200 });
    assert.deepEqual(defaultDownstreamSettings['few-label-probe'], { perClass: 10, draws: 5, epochs: 100 });
    assert.deepEqual(defaultDownstreamSettings['few-label-knn'], { perClass: 10, draws: 5, k: 20 });
    assert.deepEqual(downstreamSettingsFor('quick')['few-label-probe'], { perClass: 10, draws: 2, epochs: 100 });
    assert.deepEqual(downstreamSettingsFor('quick', ['segmentation', 'probe']), { probe: {}, segmentation: { trainCanvases: 400, testCanvases: 200 } }, 'only the named tasks, in report order');
  });

  test("a task's cache key holds the job and that task's settings only", () => {
    const job = sideJob(config, 'f', 0);
    const knn = downstreamKey(config, job, 'knn', defaultDownstreamSettings);
    assert.deepEqual(downstreamKey(config, job, 'knn', { ...defaultDownstreamSettings, fashion: { trainSize: 1, testSize: 1, epochs: 1 }, segmentation: { trainCanvases: 1, testCanvases: 1 } }), knn);
    assert.deepEqual(downstreamKey(config, job, 'knn', { knn: { k: 20 } }), knn, 'a task left out of the settings gets its defaults');
    assert.notDeepEqual(downstreamKey(config, job, 'knn', { knn: { k: 5 } }), knn);
    assert.notDeepEqual(downstreamKey(config, sideJob(config, 'g', 0), 'knn'), knn);
    assert.notDeepEqual(downstreamKey(withOverrides(config, { probe: { seed: 7 } }), job, 'knn'), knn);
    assert.deepEqual(downstreamKey(withOverrides(config, { probe: { epochs: 9 } }), job, 'knn'), knn, 'kNN does not train the probe');
    const few = downstreamKey(config, job, 'few-label-knn');
    assert.notDeepEqual(downstreamKey(config, job, 'few-label-knn', { 'few-label-knn': { perClass: 10, draws: 3, k: 20 } }), few, 'the draws are in its key');
    assert.deepEqual(downstreamKey(config, job, 'few-label-knn', { knn: { k: 5 } }), few, "the kNN task's k is not");
    assert.deepEqual(downstreamKey(withOverrides(config, { probe: { epochs: 9 } }), job, 'few-label-probe'), downstreamKey(config, job, 'few-label-probe'), 'the few-label probe has its own epochs');
    assert.notDeepEqual(downstreamKey(withOverrides(config, { probe: { seed: 3 } }), job, 'few-label-probe'), downstreamKey(config, job, 'few-label-probe'), 'the seed draws the labels');
  });
});

describe('downstreamOfJob', () => {
  test('caches each task under its own key: adding a task or changing another task computes only what is missing', async () => {
    const store = runStore(root);
    const job = sideJob(config, 'f', 0);
    let loads = 0;
    const load = async () => {
      loads++;
      return { encoder, dispose: () => {} };
    };
    const direct = await evaluateDownstream(config, encoder, ['probe', 'knn']);
    const knn = await downstreamOfJob(config, job, load, { tasks: ['knn'], store });
    assert.deepEqual(knn, { knn: direct.knn });
    assert.equal(loads, 1);
    const both = await downstreamOfJob(config, job, load, { tasks: ['knn', 'probe'], store });
    assert.deepEqual(both, direct);
    assert.equal(loads, 2, 'the probe was missing');
    const numTensors = tf.memory().numTensors;
    const again = await downstreamOfJob(config, job, load, { tasks: ['probe', 'knn'], settings: { ...defaultDownstreamSettings, fashion: { trainSize: 9, testSize: 9, epochs: 1 } }, store });
    assert.deepEqual(again, direct);
    assert.equal(loads, 2, 'both from the run store although the fashion settings changed');
    assert.equal(tf.memory().numTensors, numTensors);
    await downstreamOfJob(config, job, load, { tasks: ['knn'], settings: { knn: { k: 3 } }, store });
    assert.equal(loads, 3, 'another k is another result');
    await assert.rejects(downstreamOfJob(config, job, load, { tasks: ['nope' as never], store }), (e: unknown) => e instanceof InputError && /tasks\[0\]: expected one of probe, knn, fashion, segmentation/.test(e.message));
  });
});
