import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { ntXentLoss } from '../../src/losses/nt-xent';
import { createObjective, objectives } from '../../src/methods/registry';
import { defaultSimclrConfig, simclr } from '../../src/methods/simclr';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';
import { noiseAugment, snapshot, tinyData, tinyEncoder } from '../train/tiny';

before(async () => {
  await tf.setBackend('cpu');
});

describe('simclr', () => {
  test('registry: created by name with defaults; unknown names and fields are InputErrors', () => {
    assert.deepEqual(Object.keys(objectives), ['simclr', 'byol', 'simsiam', 'dino', 'vicreg', 'mae', 'supervised']);
    const o = createObjective({ name: 'simclr', temperature: 0.2 });
    assert.equal(o.numViews, 2);
    assert.deepEqual(o.config, { ...defaultSimclrConfig, temperature: 0.2 });
    assert.throws(() => createObjective({ name: 'moco' }), /objective config\.name: expected one of simclr, byol, simsiam, dino, vicreg, mae, supervised, found "moco"/);
    assert.throws(() => createObjective({ name: 'simclr', temprature: 0.1 }), /simclr config\.temprature: expected one of the fields/);
    assert.throws(() => simclr({ temperature: -1 }), InputError);
    assert.throws(() => simclr({ projector: { hidden: [0] } }), InputError);
    assert.throws(() => simclr({ projector: { seed: 3 } as never }), /projector\.seed/);
  });

  test('loss = NT-Xent of the projected views; projector weights from the rng', () => {
    const encoder = tinyEncoder();
    const objective = simclr({ temperature: 0.3, projector: { hidden: [10], outDim: 4 } });
    const state = objective.init(encoder, createRng(3));
    const again = objective.init(encoder, createRng(3));
    try {
      assert.equal(state.variables.length, 4);
      assert.deepEqual(snapshot(state.variables), snapshot(again.variables));
      assert.notEqual(state.variables[0].name, again.variables[0].name);
      const data = tinyData(6);
      tf.tidy(() => {
        const images = data.batch(Int32Array.from([0, 1, 2, 3, 4, 5]));
        const v1 = noiseAugment(images, createRng(1));
        const v2 = noiseAugment(images, createRng(2));
        const got = objective.loss(encoder, state, { views: [v1, v2] }, createRng(0)).dataSync()[0];
        const project = (v: tf.Tensor4D): tf.Tensor2D => state.project!(encoder.apply(v, true), true);
        const expected = ntXentLoss(project(v1), project(v2), 0.3).dataSync()[0];
        assert.ok(Math.abs(got - expected) < 1e-5, `${got} vs ${expected}`);
        assert.deepEqual(project(v1).shape, [6, 4]);
        assert.throws(() => objective.loss(encoder, state, { views: [v1] }, createRng(0)), /simclr loss views: expected 2 views, found 1/);
      });
    } finally {
      again.dispose();
      state.dispose();
      encoder.dispose();
    }
  });

  test('dispose frees the head; a loss call leaves only its result', () => {
    const encoder = tinyEncoder();
    const before = tf.memory().numTensors;
    const objective = simclr({ projector: { hidden: [8], outDim: 3 } });
    const state = objective.init(encoder, createRng(1));
    const images = tinyData(4).batch(Int32Array.from([0, 1, 2, 3]));
    const counted = tf.memory().numTensors;
    const l = objective.loss(encoder, state, { views: [images, images] }, createRng(0));
    assert.equal(tf.memory().numTensors, counted + 1);
    l.dispose();
    images.dispose();
    state.dispose();
    assert.equal(tf.memory().numTensors, before);
    encoder.dispose();
  });
});
