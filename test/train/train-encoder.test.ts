import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Objective } from '../../src/methods/objective';
import { simclr } from '../../src/methods/simclr';
import { NonFiniteLossError } from '../../src/train/non-finite-loss-error';
import { trainEncoder } from '../../src/train/train-encoder';
import type { TrainEncoderOptions, TrainWarning } from '../../src/train/train-options';
import { checkCheckpointFile } from '../../src/train/checkpoint-dir';
import { InputError } from '../../src/util/errors';
import { noiseAugment, snapshot, tinyData, tinyEncoder } from './tiny';

let dir = '';
before(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'sslmem-train-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const objective = (): Objective => simclr({ projector: { hidden: [8], outDim: 4 } });
const base: TrainEncoderOptions = {
  augment: noiseAugment,
  epochs: 4,
  batchSize: 8,
  lr: 0.01,
  optimizer: { name: 'adamw', weightDecay: 0.01 },
  schedule: 'cosine',
  warmupEpochs: 1,
  seed: 3,
};

/** Trains a fresh tiny encoder; returns losses, final weights and the history. */
async function run(options: Partial<TrainEncoderOptions> = {}, data = tinyData(24)) {
  const encoder = tinyEncoder();
  const losses: number[] = [];
  try {
    const result = await trainEncoder(encoder, objective(), data, { ...base, ...options, onStep: (s) => losses.push(s.loss) });
    const weights = snapshot([...encoder.variables, ...encoder.state, ...result.objectiveState.variables]);
    result.objectiveState.dispose();
    return { losses, weights, history: result.history };
  } finally {
    encoder.dispose();
  }
}

describe('trainEncoder', () => {
  test('same seed, same losses and weights; another seed differs; history table', async () => {
    const a = await run();
    const b = await run();
    assert.equal(a.losses.length, 12);
    assert.deepEqual(a.losses, b.losses);
    a.weights.forEach((w, i) => assert.deepEqual(w, b.weights[i]));
    const c = await run({ seed: 4 });
    assert.notDeepEqual(c.losses, a.losses);
    assert.deepEqual(a.history.columnNames(), ['epoch', 'loss', 'lr', 'seconds']);
    assert.deepEqual(a.history.array('epoch'), [1, 2, 3, 4]);
    const epochLoss = a.history.array('loss') as number[];
    assert.ok(Math.abs(epochLoss[0] - (a.losses[0] + a.losses[1] + a.losses[2]) / 3) < 1e-12);
    // cosine with one warm-up epoch of 3 steps: last step of epoch 1 is the peak
    assert.ok(Math.abs((a.history.array('lr') as number[])[0] - 0.01) < 1e-12);
  });

  test('a tiny encoder on tiny synthetic data reduces the SimCLR loss', async () => {
    const { history } = await run({ epochs: 15, schedule: 'constant', warmupEpochs: 0, lr: 0.02 });
    const loss = history.array('loss') as number[];
    const start = loss[0];
    const end = loss[loss.length - 1];
    assert.ok(end < start - 0.2, `loss ${start} -> ${end}`);
  });

  test('resume after an interruption reproduces the uninterrupted run exactly', async () => {
    const uninterrupted = await run();
    const checkpointDir = join(dir, 'resume');
    const encoder = tinyEncoder();
    const first = await trainEncoder(encoder, objective(), tinyData(24), {
      ...base,
      checkpointDir,
      checkpointEpochs: [1, 2],
      onEpoch: ({ epoch }) => (epoch === 3 ? 'stop' : undefined), // "crash" after epoch 3, whose work is lost
    });
    first.objectiveState.dispose();
    encoder.dispose();
    assert.deepEqual((await readdir(checkpointDir)).filter((n) => n.endsWith('.safetensors')).sort(), ['epoch-0001.safetensors', 'epoch-0002.safetensors']);
    const resumed = await run({ checkpointDir, checkpointEpochs: [4], resume: true });
    assert.equal(resumed.losses.length, 6); // epochs 3 and 4 only
    assert.deepEqual(resumed.losses, uninterrupted.losses.slice(6));
    resumed.weights.forEach((w, i) => assert.deepEqual(w, uninterrupted.weights[i], `weights ${i}`));
    assert.deepEqual(resumed.history.array('loss'), uninterrupted.history.array('loss'));
    // a finished run resumes to nothing left to do
    const again = await run({ checkpointDir, resume: true });
    assert.equal(again.losses.length, 0);
    assert.deepEqual(again.history.array('epoch'), [1, 2, 3, 4]);
    // another seed's run refuses these checkpoints
    await assert.rejects(run({ checkpointDir, resume: true, seed: 99 }), /resume\): expected a checkpoint of this run, seed 99, found seed 3/);
  });

  /** Trains 3 of 4 epochs with checkpoints after epochs 1 and 2 into a fresh folder (an interrupted run). */
  async function interrupted(name: string): Promise<string> {
    const checkpointDir = join(dir, name);
    const encoder = tinyEncoder();
    const first = await trainEncoder(encoder, objective(), tinyData(24), {
      ...base,
      checkpointDir,
      checkpointEpochs: [1, 2],
      onEpoch: ({ epoch }) => (epoch === 3 ? 'stop' : undefined),
    });
    first.objectiveState.dispose();
    encoder.dispose();
    return checkpointDir;
  }

  test('a flipped bit in the newest checkpoint is found: warned with its path, resumed from the one before, same result as uninterrupted', async () => {
    const uninterrupted = await run();
    const checkpointDir = await interrupted('flipped');
    const newest = join(checkpointDir, 'epoch-0002.safetensors');
    const bytes = await readFile(newest);
    bytes[bytes.length - 5] ^= 0x10; // one bit of a weight near the end of the data
    await writeFile(newest, bytes);
    const warnings: TrainWarning[] = [];
    const resumed = await run({ checkpointDir, checkpointEpochs: [1, 2, 4], resume: true, onWarning: (w) => warnings.push(w) });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].kind, 'damaged-checkpoint');
    assert.match(warnings[0].message, /epoch-0002\.safetensors is damaged \(SHA-256 .*changed after the write\)/);
    assert.equal(resumed.losses.length, 9, 'epochs 2, 3 and 4: resumed from epoch 1');
    assert.deepEqual(resumed.losses, uninterrupted.losses.slice(3));
    resumed.weights.forEach((w, i) => assert.deepEqual(w, uninterrupted.weights[i], `weights ${i}`));
    assert.equal(checkCheckpointFile(newest), undefined, 'the damaged checkpoint was written again, sound');
  });

  test('a truncated checkpoint, or one without its record, falls back; a damaged first checkpoint restarts at epoch 0', async () => {
    const uninterrupted = await run();
    const cut = await interrupted('truncated');
    await truncate(join(cut, 'epoch-0002.safetensors'), 100);
    const warnings: TrainWarning[] = [];
    const fromOne = await run({ checkpointDir: cut, resume: true, onWarning: (w) => warnings.push(w) });
    assert.match(warnings[0]?.message ?? '', /epoch-0002\.safetensors is damaged \(100 bytes, its record says \d+/);
    assert.deepEqual(fromOne.losses, uninterrupted.losses.slice(3));
    const unrecorded = await interrupted('unrecorded');
    await rm(join(unrecorded, 'epoch-0001.record.json'));
    const fromZero = await run({ checkpointDir: unrecorded, resume: true, onWarning: (w) => warnings.push(w) });
    assert.match(warnings[1]?.message ?? '', /epoch-0001\.safetensors is damaged \(it has no size and SHA-256 record/);
    assert.deepEqual(fromZero.losses, uninterrupted.losses, 'trained from epoch 0: the later checkpoint is not trusted past a damaged one');
    fromZero.weights.forEach((w, i) => assert.deepEqual(w, uninterrupted.weights[i], `weights ${i}`));
  });

  test('a NaN loss stops with epoch, step and value, and leaves no checkpoint for that epoch', async () => {
    const checkpointDir = join(dir, 'nan');
    const simclrObjective = objective();
    let calls = 0;
    const poisoned: Objective = {
      ...simclrObjective,
      loss: (encoder, state, views, rng) =>
        tf.tidy(() => tf.mul(simclrObjective.loss(encoder, state, views, rng), ++calls === 8 ? Number.NaN : 1) as tf.Scalar),
    };
    const encoder = tinyEncoder();
    const before = tf.memory().numTensors;
    await assert.rejects(
      trainEncoder(encoder, poisoned, tinyData(24), { ...base, checkpointDir, checkpointEpochs: [1, 2, 3] }),
      (e: unknown) => {
        assert.ok(e instanceof NonFiniteLossError);
        assert.match(e.message, /the loss is NaN at epoch 3, step 2 of 3/);
        assert.equal(e.epoch, 3);
        assert.equal(e.step, 2);
        return true;
      },
    );
    assert.deepEqual((await readdir(checkpointDir)).filter((n) => n.endsWith('.safetensors')).sort(), ['epoch-0001.safetensors', 'epoch-0002.safetensors']);
    assert.equal(tf.memory().numTensors, before); // objective state and optimizer freed
    encoder.dispose();
  });

  test('a loss that stays at chance level warns once, with the epoch; a learning run does not warn', async () => {
    const simclrObjective = objective();
    // A head that maps everything to one point: every similarity is equal, the loss is log(2B - 1).
    const collapsed: Objective = {
      ...simclrObjective,
      loss: (encoder, state, views, rng) => tf.tidy(() => tf.add(tf.mul(simclrObjective.loss(encoder, state, views, rng), 0), Math.log(2 * 8 - 1)) as tf.Scalar),
    };
    const warnings: Array<{ epoch: number; kind: string; message: string }> = [];
    const encoder = tinyEncoder();
    const result = await trainEncoder(encoder, collapsed, tinyData(24), { ...base, epochs: 8, onWarning: (w) => warnings.push(w) });
    result.objectiveState.dispose();
    encoder.dispose();
    assert.equal(warnings.length, 1, 'once');
    assert.equal(warnings[0].epoch, 5, 'after five epochs at chance level');
    assert.equal(warnings[0].kind, 'chance-level');
    assert.match(warnings[0].message, /chance level \(2\.7081, chance 2\.7081\) for 5 epochs up to epoch 5/);
    const learning: unknown[] = [];
    await run({ epochs: 6, onWarning: (w) => learning.push(w) });
    assert.deepEqual(learning, []);
    assert.equal(simclr().chanceLoss?.(128), Math.log(255));
  });

  test('numTensors stays flat across epochs', async () => {
    const counts: number[] = [];
    const encoder = tinyEncoder();
    const result = await trainEncoder(encoder, objective(), tinyData(24), {
      ...base,
      epochs: 5,
      onEpoch: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    assert.deepEqual(counts.slice(1), Array(4).fill(counts[0]));
    result.objectiveState.dispose();
    encoder.dispose();
  });

  test('options: onEpoch stop, dropLast, one augmentation per view, bad options', async () => {
    let seen = 0;
    const stopped = await run({ onEpoch: () => (++seen === 2 ? 'stop' : undefined) });
    assert.equal(stopped.history.numRows(), 2);
    const ragged = await run({ epochs: 1, batchSize: 10, dropLast: false }, tinyData(25));
    assert.equal(ragged.losses.length, 3);
    const dropped = await run({ epochs: 1, batchSize: 10 }, tinyData(25));
    assert.equal(dropped.losses.length, 2);
    const perView = await run({ epochs: 1, augment: [noiseAugment, (x) => tf.clone(x)] });
    assert.equal(perView.losses.length, 3);
    await assert.rejects(run({ augment: [noiseAugment] }), /augment: expected one augmentation or 2 \(one per view\), found 1 augmentations/);
    await assert.rejects(run({ batchSize: 30 }), /batchSize: expected at most the 24 images/);
    await assert.rejects(run({ checkpointEpochs: [2] }), /checkpointDir: expected a folder/);
    await assert.rejects(run({ checkpointEpochs: [9], checkpointDir: dir }), /checkpointEpochs\[0\]: expected an epoch in 1\.\.4, found 9/);
    await assert.rejects(run({ epochz: 3 } as never), (e: unknown) => e instanceof InputError && /options\.epochz/.test(e.message));
  });
});
