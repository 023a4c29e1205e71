import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../../src/encoders/create-encoder';
import type { Encoder } from '../../src/encoders/encoder';
import { alignmentLoss } from '../../src/memorization/alignment-loss';
import { encoderRepresenter } from '../../src/memorization/representer';
import { alignmentRegularizer, alignmentTerm } from '../../src/methods/alignment-regularizer';
import type { ObjectiveConfig } from '../../src/methods/objective';
import { createObjective } from '../../src/methods/registry';
import { defaultSimclrConfig, simclr } from '../../src/methods/simclr';
import { trainEncoder } from '../../src/train/train-encoder';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';
import { noiseAugment, tinyData } from '../train/tiny';

before(async () => {
  await tf.setBackend('cpu');
});

const simclrConfig = { name: 'simclr', projector: { hidden: [8], outDim: 4 } };
const byolConfig = { name: 'byol', projector: { hidden: [8], outDim: 4 }, predictor: { hidden: [8] } };

/** A small MLP encoder on the tiny 4x4x1 images (no batch norm, so each view's representation is independent of the others). */
const mlp = (batchNorm = false): Encoder => createEncoder({ kind: 'mlp', inputShape: [4, 4, 1], hidden: [12], outDim: 6, batchNorm, seed: 1 });

/** Two noise views of the first `n` tiny images (caller disposes). */
function views(n = 6): [tf.Tensor4D, tf.Tensor4D] {
  const images = tinyData(n).batch(Int32Array.from({ length: n }, (_, i) => i));
  const out: [tf.Tensor4D, tf.Tensor4D] = [noiseAugment(images, createRng(1)), noiseAugment(images, createRng(2))];
  images.dispose();
  return out;
}

/** Mean l2 distance of the rows of two representation arrays, in plain JS. */
function handAlignment(a: number[][], b: number[][], normalize: boolean): number {
  const unit = (r: number[]): number[] => {
    const norm = Math.sqrt(r.reduce((s, x) => s + x * x, 0));
    return normalize ? r.map((x) => x / Math.max(norm, 1e-12)) : r;
  };
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const [u, v] = [unit(a[i]), unit(b[i])];
    sum += Math.sqrt(u.reduce((s, x, k) => s + (x - v[k]) ** 2, 0));
  }
  return sum / a.length;
}

describe('alignment regulariser (align-reg)', () => {
  test('weight 0 gives exactly the inner loss (SimCLR and BYOL)', () => {
    for (const inner of [simclrConfig, byolConfig]) {
      const encoder = mlp(true);
      const plain = createObjective(inner);
      const wrapped = alignmentRegularizer({ name: 'align-reg', inner, weight: 0 });
      const state = plain.init(encoder, createRng(3));
      const [v1, v2] = views();
      try {
        const a = plain.loss(encoder, state, { views: [v1, v2] }, createRng(0));
        const b = wrapped.loss(encoder, state, { views: [v1, v2] }, createRng(0));
        assert.equal(b.dataSync()[0], a.dataSync()[0], inner.name);
        tf.dispose([a, b]);
      } finally {
        tf.dispose([v1, v2]);
        state.dispose();
        encoder.dispose();
      }
    }
  });

  test('weight w adds exactly -w (penalize) or +w (reward) times the alignment distance', () => {
    const encoder = mlp();
    const plain = simclr(simclrConfig);
    const state = plain.init(encoder, createRng(3));
    const [v1, v2] = views();
    try {
      const z1 = encoder.apply(v1, true);
      const z2 = encoder.apply(v2, true);
      const [a, b] = [z1.arraySync(), z2.arraySync()];
      tf.dispose([z1, z2]);
      const base = tf.tidy(() => plain.loss(encoder, state, { views: [v1, v2] }, createRng(0)).dataSync()[0]);
      const cases: [Partial<ObjectiveConfig>, number][] = [
        [{ weight: 2.5 }, -2.5 * handAlignment(a, b, true)],
        [{ weight: 2.5, sign: 'reward' }, 2.5 * handAlignment(a, b, true)],
        [{ weight: 0.7, sign: 'reward', normalize: false }, 0.7 * handAlignment(a, b, false)],
      ];
      for (const [extra, expected] of cases) {
        const wrapped = alignmentRegularizer({ name: 'align-reg', inner: simclrConfig, ...extra });
        const got = tf.tidy(() => wrapped.loss(encoder, state, { views: [v1, v2] }, createRng(0)).dataSync()[0]) - base;
        assert.ok(expected !== 0 && Math.abs(got - expected) < 1e-5 * Math.max(1, Math.abs(expected)), `${JSON.stringify(extra)}: ${got} vs ${expected}`);
      }
    } finally {
      tf.dispose([v1, v2]);
      state.dispose();
      encoder.dispose();
    }
  });

  test('gradients of the term alone reach every encoder variable, finite and nonzero; identical views stay finite', () => {
    const encoder = mlp();
    const [v1, v2] = views();
    try {
      const { value, grads } = tf.variableGrads(() => alignmentTerm(encoder, v1, v2, true), [...encoder.variables]);
      assert.ok(value.dataSync()[0] > 0);
      for (const v of [...encoder.variables]) {
        const g = grads[v.name].dataSync();
        assert.ok(g.every(Number.isFinite), v.name);
        assert.ok(g.some((x) => x !== 0), v.name);
      }
      tf.dispose([value, ...Object.values(grads)]);
      const same = tf.variableGrads(() => alignmentTerm(encoder, v1, v1, true), [...encoder.variables]);
      for (const g of Object.values(same.grads)) assert.ok(g.dataSync().every(Number.isFinite));
      tf.dispose([same.value, ...Object.values(same.grads)]);
    } finally {
      tf.dispose([v1, v2]);
      encoder.dispose();
    }
  });

  test('registry: created by name, config plain JSON with the inner defaults, the rest delegated', () => {
    const o = createObjective({ name: 'align-reg', inner: { name: 'simclr' }, weight: 1 });
    assert.deepEqual(o.config, { name: 'align-reg', inner: defaultSimclrConfig, weight: 1, distance: 'l2', normalize: true, sign: 'penalize' });
    assert.deepEqual(JSON.parse(JSON.stringify(o.config)), o.config);
    const inner = simclr();
    assert.equal(o.numViews, 2);
    assert.equal(o.batchCoupling, inner.batchCoupling);
    assert.equal(o.chanceLoss?.(8), inner.chanceLoss?.(8));
    assert.equal(o.afterStep, undefined);
    assert.equal(typeof createObjective({ name: 'align-reg', inner: { name: 'byol' }, weight: 1 }).afterStep, 'function');
    const dino = createObjective({ name: 'dino' });
    const wrappedDino = createObjective({ name: 'align-reg', inner: { name: 'dino' }, weight: 1 });
    assert.equal(wrappedDino.numViews, dino.numViews);
    assert.equal(typeof wrappedDino.viewAugmentations, typeof dino.viewAugmentations);
    assert.throws(() => createObjective({ name: 'moco' }), /found "moco" \(or the wrapper "align-reg"\)/);
  });

  test('bad configs are InputErrors naming the field; MAE (one view) is refused', () => {
    const bad: [ObjectiveConfig, RegExp][] = [
      [{ name: 'align-reg', inner: { name: 'simclr' } }, /align-reg config\.weight: expected a finite number in \[0, inf\), found undefined/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: -1 }, /align-reg config\.weight/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: Number.NaN }, /align-reg config\.weight/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: Infinity }, /align-reg config\.weight/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: '1' }, /align-reg config\.weight/],
      [{ name: 'align-reg', weight: 1 }, /align-reg config\.inner: expected an objective config with a name/],
      [{ name: 'align-reg', inner: 'simclr', weight: 1 }, /align-reg config\.inner: expected an objective config/],
      [{ name: 'align-reg', inner: { name: 'moco' }, weight: 1 }, /align-reg config\.inner: objective config\.name: expected one of/],
      [{ name: 'align-reg', inner: { name: 'simclr', temprature: 1 }, weight: 1 }, /align-reg config\.inner: simclr config\.temprature/],
      [{ name: 'align-reg', inner: { name: 'align-reg', inner: { name: 'simclr' }, weight: 1 }, weight: 1 }, /align-reg config\.inner\.name: expected an objective other than align-reg/],
      [{ name: 'align-reg', inner: { name: 'mae' }, weight: 1 }, /align-reg config\.inner: expected an objective with at least 2 views .*found "mae" with 1 view$/],
      [{ name: 'align-reg', inner: { name: 'supervised' }, weight: 1 }, /align-reg config\.inner: .*found "supervised" with 1 view$/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: 1, distance: 'cosine' }, /align-reg config\.distance: expected one of "l2"/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: 1, sign: 'up' }, /align-reg config\.sign: expected one of "penalize", "reward"/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: 1, normalize: 'yes' }, /align-reg config\.normalize: expected true or false/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: 1, normalize: false }, /align-reg config\.normalize: expected true when sign is "penalize"/],
      [{ name: 'align-reg', inner: { name: 'simclr' }, weight: 1, wieght: 2 }, /align-reg config\.wieght: expected one of the fields/],
    ];
    for (const [config, message] of bad) {
      assert.throws(() => createObjective(config), (e: unknown) => e instanceof InputError && message.test(e.message), JSON.stringify(config));
    }
  });

  test('training with a large penalize weight leaves a larger alignment distance on the training images (reward: smaller); no leaks', async () => {
    const data = tinyData(64);
    const images = data.batch(Int32Array.from({ length: 64 }, (_, i) => i));
    const train = async (weight: number, sign = 'penalize'): Promise<number> => {
      const encoder = mlp();
      try {
        const objective = createObjective({ name: 'align-reg', inner: simclrConfig, weight, sign });
        const { objectiveState } = await trainEncoder(encoder, objective, data, { augment: noiseAugment, epochs: 2, batchSize: 8, lr: 0.01, seed: 3 });
        objectiveState.dispose();
        const losses = await alignmentLoss(encoderRepresenter(encoder), images, noiseAugment, { pairs: 4, seed: 1 });
        return losses.reduce((s, x) => s + x, 0) / losses.length;
      } finally {
        encoder.dispose();
      }
    };
    try {
      const before = tf.memory().numTensors;
      const plain = await train(0);
      const regularised = await train(5);
      const rewarded = await train(5, 'reward');
      assert.equal(tf.memory().numTensors, before);
      assert.ok(regularised > plain, `alignment distance: weight 5 ${regularised} vs weight 0 ${plain}`);
      assert.ok(rewarded < plain, `alignment distance: weight 5, sign reward ${rewarded} vs weight 0 ${plain}`);
    } finally {
      images.dispose();
    }
  });
});
