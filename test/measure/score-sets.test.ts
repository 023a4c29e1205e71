import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createEncoder } from '../../src/encoders/create-encoder';
import type { Encoder } from '../../src/encoders/encoder';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData, setNames, type ExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { pairSeeds, scoreSets } from '../../src/measure/score-sets';
import { encoderConfigOf } from '../../src/plans/train-side';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 60, extraSize: 12 },
  encoder: { hidden: [16], outDim: 8 },
  train: { epochs: 1, batchSize: 16, checkpointEpochs: [] },
  score: { pairs: 2, batchSize: 32 },
  probe: { trainSize: 60, testSize: 12 },
});

let data: ExperimentData;
let a: Encoder;
let b: Encoder;
before(async () => {
  await initBackend();
  data = await loadExperimentData(config);
  a = createEncoder(encoderConfigOf(config, data.pair.train.shape, 1));
  b = createEncoder(encoderConfigOf(config, data.pair.train.shape, 2));
});
after(() => {
  a.dispose();
  b.dispose();
});

const columns = ['id', 'set', 'label', 'align_f', 'align_g', 'score_raw', 'score_range', 'score_ratio', 'raw_seed0'];

describe('pairSeeds', () => {
  test('the seeds of f/g pairs name the per-seed columns only when every pair names one seed, all distinct', () => {
    const m = (seed?: number) => ({ encoder: a, ...(seed === undefined ? {} : { seed }) });
    assert.deepEqual(pairSeeds([m(3), m(7)], [m(3), m(7)]), [3, 7]);
    assert.equal(pairSeeds([m(3), m(7)], [m(7), m(3)]), undefined, 'pairs of two seeds');
    assert.equal(pairSeeds([m(3)], [m(3), m(7)]), undefined, 'unequal counts');
    assert.equal(pairSeeds([m(3), m()], [m(3), m()]), undefined, 'a pair without a seed');
    assert.equal(pairSeeds([m(3), m(3)], [m(3), m(3)]), undefined, 'the same seed twice');
  });
});

describe('scoreSets', () => {
  test('one row per point of every set, ids and labels from the split, and the promised columns', async () => {
    const table = await scoreSets(config, data, [{ encoder: a }], [{ encoder: b }]);
    assert.deepEqual(table.columnNames(), columns);
    const sets = table.array('set') as string[];
    const ids = table.array('id') as number[];
    const labels = table.array('label') as number[];
    let row = 0;
    for (const set of setNames) {
      const expected = data.split[set];
      assert.ok(expected.length > 0, set);
      const dataset = set === 'S_E' ? data.pair.test : data.pair.train;
      for (let i = 0; i < expected.length; i++, row++) {
        assert.equal(sets[row], set);
        assert.equal(ids[row], expected[i]);
        assert.equal(labels[row], dataset.labels[expected[i]]);
      }
    }
    assert.equal(table.numRows(), row);
  });

  test('score columns follow from the alignment losses: raw = g - f, ratio = raw / (g + f), range over S_C', async () => {
    const table = await scoreSets(config, data, [{ encoder: a }], [{ encoder: b }]);
    const f = table.array('align_f') as number[];
    const g = table.array('align_g') as number[];
    const raw = table.array('score_raw') as number[];
    const ratio = table.array('score_ratio') as number[];
    const range = table.array('score_range') as number[];
    const sets = table.array('set') as string[];
    const cRaw = raw.filter((_, i) => sets[i] === 'S_C');
    const spread = Math.max(...cRaw) - Math.min(...cRaw);
    assert.ok(spread > 0);
    for (let i = 0; i < raw.length; i++) {
      assert.ok(f[i] > 0 && g[i] > 0);
      assert.ok(Math.abs(raw[i] - (g[i] - f[i])) < 1e-6, `raw ${i}`);
      assert.ok(Math.abs(ratio[i] - raw[i] / (g[i] + f[i])) < 1e-6, `ratio ${i}`);
      assert.ok(Math.abs(range[i] - raw[i] / spread) < 1e-5, `range ${i}`);
    }
    assert.ok(raw.some((r) => r !== 0), 'different encoders give non-zero scores');
  });

  test('equal f and g give score_raw exactly 0 (and ratio 0), with no tensor left behind', async () => {
    const before = tf.memory().numTensors;
    const table = await scoreSets(config, data, [{ encoder: a }], [{ encoder: a }]);
    assert.equal(tf.memory().numTensors, before);
    for (const r of table.array('score_raw') as number[]) assert.equal(r, 0);
    for (const r of table.array('score_ratio') as number[]) assert.equal(r, 0);
    assert.deepEqual(table.array('align_f'), table.array('align_g'));
  });

  test('f and g are averaged over encoders: [a, b] against [b, a] scores 0', async () => {
    const table = await scoreSets(config, data, [{ encoder: a }, { encoder: b }], [{ encoder: b }, { encoder: a }]);
    for (const r of table.array('score_raw') as number[]) assert.ok(Math.abs(r) < 1e-6);
    const single = await scoreSets(config, data, [{ encoder: a }], [{ encoder: b }]);
    const fa = single.array('align_f') as number[];
    const gb = single.array('align_g') as number[];
    const pairF = table.array('align_f') as number[];
    for (let i = 0; i < fa.length; i++) assert.ok(Math.abs(pairF[i] - (fa[i] + gb[i]) / 2) < 1e-6);
  });

  test('options.sets scores only those sets, and the views are the same as in the full run', async () => {
    const full = await scoreSets(config, data, [{ encoder: a }], [{ encoder: b }]);
    const progress: string[] = [];
    const part = await scoreSets(config, data, [{ encoder: a }], [{ encoder: b }], {
      sets: ['S_E', 'S_C'],
      onProgress: (set, done, total) => progress.push(`${set} ${done}/${total}`),
    });
    assert.deepEqual([...new Set(part.array('set') as string[])], ['S_E', 'S_C']);
    const key = (t: typeof full, i: number) => `${(t.array('set') as string[])[i]}:${(t.array('id') as number[])[i]}`;
    const fullRaw = new Map<string, number>();
    for (let i = 0; i < full.numRows(); i++) fullRaw.set(key(full, i), (full.array('score_raw') as number[])[i]);
    for (let i = 0; i < part.numRows(); i++) assert.equal((part.array('score_raw') as number[])[i], fullRaw.get(key(part, i)));
    assert.ok(progress.includes(`S_E ${data.split.S_E.length}/${data.split.S_E.length}`), progress.join(', '));
    assert.ok(progress.includes(`S_C ${data.split.S_C.length}/${data.split.S_C.length}`));
  });

  test('scoring on the projection needs the objective state', async () => {
    const projected = withOverrides(config, { score: { on: 'projection' } });
    await assert.rejects(scoreSets(projected, data, [{ encoder: a }], [{ encoder: b }]), /objective state/);
  });
});
