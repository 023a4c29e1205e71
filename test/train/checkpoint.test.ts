import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEncoder } from '../../src/encoders/create-encoder';
import { simclr } from '../../src/methods/simclr';
import { decodeSafetensors } from '../../src/io/safetensors';
import { loadCheckpoint, readCheckpoint, restoreCheckpoint, saveCheckpoint } from '../../src/train/checkpoint';
import { loadEncoder, saveEncoder } from '../../src/train/encoder-file';
import { checkpointPath, latestCheckpoint } from '../../src/train/checkpoint-dir';
import { createOptimizer } from '../../src/train/create-optimizer';
import { trainStep } from '../../src/train/train-step';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';
import { noiseAugment, snapshot, tinyConfig, tinyData, tinyEncoder } from './tiny';

let dir = '';
before(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'sslmem-ckpt-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small training state after two SimCLR steps with AdamW. */
function trainedParts() {
  const encoder = tinyEncoder();
  const objective = simclr({ projector: { hidden: [8], outDim: 4 } });
  const objectiveState = objective.init(encoder, createRng(9).fork('objective'));
  const optimizer = createOptimizer({ name: 'adamw', weightDecay: 0.01 });
  const parts = { encoder, objective, objectiveState, optimizer };
  const data = tinyData(8);
  for (let step = 0; step < 2; step++) {
    trainStep(parts, () => ({ images: data.batch(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7])) }), noiseAugment, createRng(step), 1e-2, { step, totalSteps: 2 });
  }
  return { ...parts, dispose: () => [optimizer, objectiveState, encoder].forEach((x) => x.dispose()) };
}

function sameBits(a: Float32Array[], b: Float32Array[]): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.deepEqual(new Uint32Array(x.buffer), new Uint32Array(b[i].buffer), `array ${i}`));
}

describe('checkpoints', () => {
  test('save -> load rebuilds encoder, objective state and optimizer bit-exactly (new variable names)', async () => {
    const parts = trainedParts();
    const path = join(dir, 'run', 'epoch-0003.safetensors');
    const history = [{ epoch: 1, loss: 4.5, lr: 0.01, seconds: 0.25 }];
    await saveCheckpoint(path, { ...parts, epoch: 3, seed: 9, dataSize: 8, trainOptions: { batchSize: 8 }, history });
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint(path, { createEncoder: tinyEncoder });
    try {
      assert.notEqual(loaded.encoder.variables[0].name, parts.encoder.variables[0].name);
      sameBits(snapshot(loaded.encoder.variables), snapshot(parts.encoder.variables));
      sameBits(snapshot(loaded.encoder.state), snapshot(parts.encoder.state));
      sameBits(snapshot(loaded.objectiveState.variables), snapshot(parts.objectiveState.variables));
      assert.deepEqual(loaded.objective.config, parts.objective.config);
      assert.equal(loaded.optimizer.step, 2);
      assert.deepEqual(loaded.optimizer.config, parts.optimizer.config);
      const theirs = parts.optimizer.state().slots;
      const ours = loaded.optimizer.state().slots;
      const live = [...parts.encoder.variables, ...parts.objectiveState.variables];
      const fresh = [...loaded.encoder.variables, ...loaded.objectiveState.variables];
      for (const slot of ['m', 'v']) {
        live.forEach((v, i) => sameBits([ours[slot][fresh[i].name].dataSync() as Float32Array], [theirs[slot][v.name].dataSync() as Float32Array]));
      }
      assert.equal(loaded.file.epoch, 3);
      assert.equal(loaded.file.seed, 9);
      assert.equal(loaded.file.dataSize, 8);
      assert.deepEqual(loaded.file.history, history);
      assert.deepEqual(loaded.file.encoderConfig, tinyConfig);
      assert.deepEqual(loaded.file.trainOptions, { batchSize: 8 });
    } finally {
      loaded.dispose();
      parts.dispose();
    }
    assert.ok(tf.memory().numTensors <= before);
    assert.deepEqual(await readdir(join(dir, 'run')), ['epoch-0003.record.json', 'epoch-0003.safetensors'], 'the checkpoint and its record (size, SHA-256), no temporary');
  });

  test('restore into a model of another shape fails naming the tensor and changes nothing', async () => {
    const parts = trainedParts();
    const path = join(dir, 'shape.safetensors');
    await saveCheckpoint(path, { ...parts, epoch: 1, seed: 0 });
    const other = tinyEncoder({ ...tinyConfig, hidden: 5 });
    const objectiveState = parts.objective.init(other, createRng(1));
    const optimizer = createOptimizer({ name: 'adamw' });
    const untouched = snapshot(other.variables);
    try {
      const file = await readCheckpoint(path);
      assert.throws(
        () => restoreCheckpoint(file, { encoder: other, objectiveState, optimizer }),
        (e: unknown) =>
          e instanceof InputError && e.message.includes(path) && /tensor "encoder\/tiny\d+\/dense1\/kernel": expected float32 \[16, 5\]/.test(e.message),
      );
      sameBits(snapshot(other.variables), untouched);
      assert.equal(optimizer.step, 0);
      const wrong = createOptimizer({ name: 'sgd' });
      assert.throws(() => restoreCheckpoint(file, { encoder: parts.encoder, objectiveState: parts.objectiveState, optimizer: wrong }), /optimizer: expected "sgd"/);
      wrong.dispose();
    } finally {
      optimizer.dispose();
      objectiveState.dispose();
      other.dispose();
      parts.dispose();
    }
  });

  test('saveEncoder writes Python-readable names and config; loadEncoder restores it exactly', async () => {
    const encoder = tinyEncoder();
    tf.tidy(() => encoder.apply(tinyData(4).batch(Int32Array.from([0, 1, 2, 3])), true)); // non-zero state
    const path = join(dir, 'encoder.safetensors');
    await saveEncoder(path, encoder);
    const { arrays, metadata } = decodeSafetensors(await readFile(path));
    assert.deepEqual(Object.keys(arrays).sort(), ['dense1/bias', 'dense1/kernel', 'dense2/bias', 'dense2/kernel', 'running_mean']);
    assert.deepEqual(arrays['dense1/kernel'].shape, [16, 12]);
    assert.equal(metadata.format, 'pt');
    assert.deepEqual(JSON.parse(metadata['encoder.config']), tinyConfig);
    const loaded = await loadEncoder(path, { createEncoder: tinyEncoder });
    try {
      sameBits(snapshot(loaded.variables), snapshot(encoder.variables));
      sameBits(snapshot(loaded.state), snapshot(encoder.state));
      assert.ok(snapshot(loaded.state)[0].some((x) => x !== 0));
      await assert.rejects(loadCheckpoint(path, { createEncoder: tinyEncoder }), /metadata "sslmem.format": expected "sslmem-checkpoint\/1", found "sslmem-encoder\/1"/);
      await assert.rejects(loadEncoder(path, { createEncoder: 'tiny' } as never), /loadEncoder options\.createEncoder: expected a function/);
      await assert.rejects(loadCheckpoint(path, { createEncoders: tinyEncoder } as never), /loadCheckpoint options\.createEncoders: expected one of the fields createEncoder, createObjective/);
    } finally {
      loaded.dispose();
      encoder.dispose();
    }
  });

  test('loadEncoder builds registry encoders by default (mlp)', async () => {
    const encoder = createEncoder({ kind: 'mlp', inputShape: [4, 4, 1], hidden: [8], outDim: 4 } as never);
    const path = join(dir, 'mlp.safetensors');
    await saveEncoder(path, encoder);
    const loaded = await loadEncoder(path);
    try {
      assert.deepEqual(loaded.config, encoder.config);
      sameBits(snapshot(loaded.variables), snapshot(encoder.variables));
    } finally {
      loaded.dispose();
      encoder.dispose();
    }
  });

  test('checkpoint paths and the latest checkpoint of a folder', async () => {
    assert.equal(checkpointPath('/x', 7), join('/x', 'epoch-0007.safetensors'));
    assert.equal(await latestCheckpoint(join(dir, 'none')), undefined);
    const parts = trainedParts();
    const folder = join(dir, 'latest');
    for (const epoch of [2, 10, 4]) await saveCheckpoint(checkpointPath(folder, epoch), { ...parts, epoch, seed: 0 });
    parts.dispose();
    assert.deepEqual(await latestCheckpoint(folder), { path: checkpointPath(folder, 10), epoch: 10 });
    assert.deepEqual(await latestCheckpoint(folder, 5), { path: checkpointPath(folder, 4), epoch: 4 });
  });
});
