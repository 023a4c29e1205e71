import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { allPointScores, allPointsPlan } from '../../src/measure/all-point-scores';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { augmentationFromConfig } from '../../src/augment/augmentation-from-config';
import { alignmentOptionsOf } from '../../src/measure/score-sets';
import { datasetSource } from '../../src/memorization/image-source';
import { encoderRepresenter } from '../../src/memorization/representer';
import { sslmemScores } from '../../src/memorization/sslmem-scores';
import { encoderStore } from '../../src/plans/encoder-store';
import { runStore } from '../../src/runs/run-store';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 60, extraSize: 10 },
  encoder: { hidden: [16], outDim: 8 },
  objective: { projector: { hidden: [8], outDim: 8 } },
  train: { epochs: 2, batchSize: 16, checkpointEpochs: [] },
  seeds: [0, 1],
  score: { pairs: 2 },
  probe: { trainSize: 60, testSize: 10 },
});
const root = mkdtempSync(join(tmpdir(), 'sslmem-all-points-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('allPointScores', () => {
  test('one row per pool point with its fold, scored with the f of every seed against the g that never saw it; cached', async () => {
    const store = runStore(root);
    const table = await allPointScores(config, { folds: 3, store, workers: 1 });
    const data = await loadExperimentData(config);
    const plan = allPointsPlan(config, data, 3);
    assert.deepEqual(table.columnNames(), ['id', 'set', 'label', 'align_f', 'align_g', 'score_raw', 'score_range', 'score_ratio', 'fold', 'raw_seed0', 'raw_seed1']);
    assert.deepEqual(Array.from(table.array('id') as ArrayLike<number>), Array.from(plan.pool));
    assert.deepEqual(Array.from(table.array('fold') as ArrayLike<number>), Array.from(plan.foldOf));
    // Fold 1 by hand: the two f's against the two g's without fold 1.
    const encoders = encoderStore(store);
    const f = [await encoders.load(plan.full(0)), await encoders.load(plan.full(1))];
    const g = [await encoders.load(plan.without(1, 0)), await encoders.load(plan.without(1, 1))];
    const ids = plan.pool.filter((_, i) => plan.foldOf[i] === 1);
    const expected = await sslmemScores(f.map((m) => encoderRepresenter(m.encoder)), g.map((m) => encoderRepresenter(m.encoder)), datasetSource(data.pair.train, ids), augmentationFromConfig(config.augment), alignmentOptionsOf(config));
    [...f, ...g].forEach((m) => m.dispose());
    const rows = table.objects().filter((r: any) => r.fold === 1) as Array<{ id: number; score_raw: number }>;
    assert.deepEqual(rows.map((r) => r.id), Array.from(ids));
    rows.forEach((r, i) => assert.ok(Math.abs(r.score_raw - expected.raw[i]) < 1e-6, `id ${r.id}`));
    // Each seed's own raw score: its f against its g without fold 1.
    for (const s of [0, 1]) {
      const own = (table.objects() as Array<Record<string, number>>).filter((r) => r.fold === 1).map((r) => r[`raw_seed${s}`]);
      own.forEach((v, i) => assert.ok(Math.abs(v - (expected.perG[s][i] - expected.perF[s][i])) < 1e-6, `seed ${s}, id ${ids[i]}`));
    }
    const numTensors = tf.memory().numTensors;
    const again = await allPointScores(config, { folds: 3, store, workers: 1 });
    assert.equal(again.toCSV(), table.toCSV(), 'from the run store');
    assert.equal(tf.memory().numTensors, numTensors);
    await assert.rejects(allPointScores(config, { folds: 1, store }), /folds: expected an integer >= 2/);
  });
});
