import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import type { Encoder } from '../../src/encoders/encoder';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { trainSide, type TrainedEncoder } from '../../src/plans/train-side';
import { encoderRunConfig, encoderRunKind } from '../../src/plans/encoder-run';
import { runStore, type DamagedRun } from '../../src/runs/run-store';
import { runKey } from '../../src/runs/run-key';
import { trainJobTask } from '../../src/plans/train-job-task';
import type { JobMessage } from '../../src/plans/runner';
import { sideJob } from '../../src/plans/training-job';
import { activeBackend, type BackendChoice } from '../../src/backend/init-backend';
import { loadTrainedEncoder, trainedEncoders, type TrainedPair } from '../../src/plans/trained-encoders';
import { InputError } from '../../src/util/errors';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 80, extraSize: 10 },
  encoder: { hidden: [16], outDim: 8 },
  objective: { projector: { hidden: [8], outDim: 8 } },
  train: { epochs: 2, batchSize: 32, checkpointEpochs: [1] },
  seeds: [0, 1],
  probe: { trainSize: 80, testSize: 10 },
});

const root = mkdtempSync(join(tmpdir(), 'sslmem-trained-'));
const store1 = runStore(join(root, 'one-worker'));
const store2 = runStore(join(root, 'two-workers'));
let first: TrainedPair;
const firstMessages: JobMessage[] = [];

before(async () => {
  await initBackend();
  first = await trainedEncoders(config, { store: store1, workers: 1, onEpoch: (m) => firstMessages.push(m) });
});
after(() => {
  first.dispose();
  rmSync(root, { recursive: true, force: true });
});

function weights(encoder: Encoder): Float32Array[] {
  return [...encoder.variables, ...encoder.state].map((v) => v.dataSync() as Float32Array);
}

function assertSameWeights(a: Encoder, b: Encoder, what: string): void {
  const wa = weights(a);
  const wb = weights(b);
  assert.equal(wa.length, wb.length, what);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i], `${what}: variable ${i}`));
}

function all(pair: TrainedPair): TrainedEncoder[] {
  return [...pair.f, ...pair.g];
}

describe('trainedEncoders', () => {
  test('trains one f and one g per seed, reporting every epoch, and stores them', () => {
    assert.deepEqual(first.f.map((m) => [m.side, m.seed]), [['f', 0], ['f', 1]]);
    assert.deepEqual(first.g.map((m) => [m.side, m.seed]), [['g', 0], ['g', 1]]);
    assert.equal(firstMessages.length, 2 * 2 * 2, 'seeds x sides x epochs');
    const keys = firstMessages.map((m) => `${m.label}:${m.epoch}/${m.epochs}`).sort();
    assert.deepEqual(keys, ['f seed 0:1/2', 'f seed 0:2/2', 'f seed 1:1/2', 'f seed 1:2/2', 'g seed 0:1/2', 'g seed 0:2/2', 'g seed 1:1/2', 'g seed 1:2/2']);
    for (const m of firstMessages) assert.ok(Number.isFinite(m.loss));
    for (const side of ['f', 'g'] as const) for (const seed of [0, 1]) assert.ok(store1.has(encoderRunKind, encoderRunConfig(config, side, seed)));
    for (const m of all(first)) {
      assert.deepEqual(m.history.columnNames(), ['epoch', 'loss', 'lr', 'seconds']);
      assert.deepEqual(m.history.array('epoch'), [1, 2]);
    }
    assert.equal(
      firstMessages.find((m) => m.label === 'f seed 0' && m.epoch === 2)!.loss,
      first.f[0].history.get('loss', 1),
      'reported loss = stored history',
    );
  });

  test('f and g of a seed start alike but differ after training on different data; seeds differ', () => {
    assert.notDeepEqual(weights(first.f[0].encoder), weights(first.g[0].encoder));
    assert.notDeepEqual(weights(first.f[0].encoder), weights(first.f[1].encoder));
  });

  test('a second call reuses the stored encoders: no training, same weights', async () => {
    let epochs = 0;
    const before = tf.memory().numTensors;
    const again = await trainedEncoders(config, { store: store1, workers: 1, onEpoch: () => epochs++ });
    try {
      assert.equal(epochs, 0, 'no epoch trained');
      all(again).forEach((m, i) => assertSameWeights(m.encoder, all(first)[i].encoder, `${m.side}${m.seed}`));
      assert.equal(again.f[1].history.toCSV(), first.f[1].history.toCSV());
    } finally {
      again.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'dispose frees every tensor');
  });

  test('scoring and probing settings do not change the stored encoders; training settings do', async () => {
    const rescored = withOverrides(config, { score: { pairs: 7 }, probe: { epochs: 2 } });
    for (const side of ['f', 'g'] as const) assert.ok(store1.has(encoderRunKind, encoderRunConfig(rescored, side, 0)));
    const retrained = withOverrides(config, { train: { lr: 0.01 } });
    assert.equal(store1.has(encoderRunKind, encoderRunConfig(retrained, 'f', 0)), false);
  });

  test('the stored weights equal an encoder trained directly with trainSide', async () => {
    const data = await loadExperimentData(config);
    const direct = await trainSide(config, data, 'g', 1);
    try {
      assertSameWeights(first.g[1].encoder, direct.encoder, 'g1');
      assert.deepEqual(first.g[1].history.array('loss'), direct.history.array('loss'));
      const heads = (s: { variables: readonly tf.Variable[] }) => s.variables.map((v) => v.dataSync());
      assert.deepEqual(heads(first.g[1].objectiveState), heads(direct.objectiveState), 'projector stored too');
    } finally {
      direct.dispose();
    }
  });

  test('two workers give the same weights as one', async () => {
    const messages: JobMessage[] = [];
    const parallel = await trainedEncoders(config, { store: store2, workers: 2, onEpoch: (m) => messages.push(m) });
    try {
      assert.equal(messages.length, 8, 'epochs reported from the workers');
      all(parallel).forEach((m, i) => assertSameWeights(m.encoder, all(first)[i].encoder, `${m.side}${m.seed}`));
    } finally {
      parallel.dispose();
    }
  });
});

describe('damaged and failing trainings', () => {
  const one = withOverrides(config, { seeds: [0] });

  test('a checkpoint overwritten in place with NaN bytes is found, reported and trained again, to the same weights', async () => {
    const reports: DamagedRun[] = [];
    const store = runStore(join(root, 'damage'), { onDamaged: (r) => reports.push(r) });
    const firstRun = await trainedEncoders(one, { store, workers: 1 });
    const expected = weights(firstRun.f[0].encoder);
    firstRun.dispose();
    const run = store.get(encoderRunKind, encoderRunConfig(one, 'f', 0))!;
    const file = run.path('checkpoints/epoch-0002.safetensors');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, new Uint8Array(new Float32Array(16).fill(Number.NaN).buffer), 0, 64, size - 64);
    closeSync(fd);
    let epochs = 0;
    const again = await trainedEncoders(one, { store, workers: 1, onEpoch: () => epochs++ });
    try {
      assert.equal(reports.length, 1);
      assert.equal(reports[0].dir, run.dir);
      assert.match(reports[0].problem, /checkpoints\/epoch-0002\.safetensors: SHA-256/);
      assert.equal(epochs, 2, 'f seed 0 trained again (g was sound)');
      assert.deepEqual(weights(again.f[0].encoder), expected, 'the same weights as the first training');
      assert.ok(weights(again.f[0].encoder).every((w) => w.every(Number.isFinite)));
    } finally {
      again.dispose();
    }
  });

  test('a diverging training names the encoder (side, seed) and stores nothing', async () => {
    const store = runStore(join(root, 'diverge'));
    const exploding = withOverrides(one, { train: { epochs: 6, checkpointEpochs: [], optimizer: { name: 'sgd' }, lr: 3e38 } });
    await assert.rejects(trainedEncoders(exploding, { store, workers: 1 }), (e: unknown) => /encoder f seed 0 diverged: training stopped: the loss is (NaN|-?Infinity) at epoch/.test((e as Error).message));
    assert.equal(store.has(encoderRunKind, encoderRunConfig(exploding, 'f', 0)), false);
  });

  test('a task whose backend would store under another key refuses to train', async () => {
    const args = { job: sideJob(one, 'f', 0), root: join(root, 'other-key'), backend: activeBackend()!.name as BackendChoice, key: 'f'.repeat(64) };
    await assert.rejects(trainJobTask(args), (e: unknown) => /would store run [0-9a-f]{12}\.\.\., the plan expects ffffffffffff\.\.\.: the plan records no provenance/.test((e as Error).message));
    assert.notEqual(runKey(encoderRunConfig(one, 'f', 0)), args.key);
  });
});

describe('loadTrainedEncoder', () => {
  test('checkpoint epochs load, differ from the last epoch, and the last is the default', async () => {
    const store = store1;
    const atOne = await loadTrainedEncoder(config, 'f', 0, { store, epoch: 1 });
    const atTwo = await loadTrainedEncoder(config, 'f', 0, { store, epoch: 2 });
    const last = await loadTrainedEncoder(config, 'f', 0, { store });
    try {
      assertSameWeights(atTwo.encoder, last.encoder, 'epoch 2 = last');
      assertSameWeights(last.encoder, first.f[0].encoder, 'last = trained');
      assert.notDeepEqual(weights(atOne.encoder), weights(last.encoder));
    } finally {
      [atOne, atTwo, last].forEach((m) => m.dispose());
    }
    const pairAtOne = await trainedEncoders(config, { store, workers: 1, epoch: 1 });
    const data = await loadExperimentData(config);
    const oneEpoch = await trainSide(withOverrides(config, { train: { epochs: 1, checkpointEpochs: [] } }), data, 'g', 0);
    try {
      assertSameWeights(pairAtOne.g[0].encoder, oneEpoch.encoder, 'checkpoint of epoch 1 = one epoch of training');
    } finally {
      pairAtOne.dispose();
      oneEpoch.dispose();
    }
  });

  test('an epoch without a checkpoint, or an encoder never trained, is an InputError', async () => {
    await assert.rejects(loadTrainedEncoder(config, 'f', 0, { store: store1, epoch: 3 }), (e: unknown) => e instanceof InputError && /a checkpoint of epoch 3/.test(e.message));
    await assert.rejects(loadTrainedEncoder(config, 'f', 5, { store: store1 }), (e: unknown) => e instanceof InputError && /f seed 5/.test(e.message) && /run its plan first/.test(e.message));
  });
});
