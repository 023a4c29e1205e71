import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../../src/encoders/create-encoder';
import type { Objective } from '../../src/methods/objective';
import { createObjective } from '../../src/methods/registry';
import { privacySpent } from '../../src/privacy/privacy-spent';
import { createOptimizer } from '../../src/train/create-optimizer';
import { planDp, type DpTrainOptions } from '../../src/train/dp-options';
import { dpTrainStep } from '../../src/train/dp-train-step';
import { trainEncoder } from '../../src/train/train-encoder';
import type { TrainEncoderOptions, TrainWarning } from '../../src/train/train-options';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';
import { noiseAugment, snapshot, tinyData, tinyEncoder } from './tiny';

before(async () => {
  await tf.setBackend('cpu');
});

const labelled = (n: number) => {
  const data = tinyData(n);
  return { ...data, labels: (indices: Int32Array) => Int32Array.from(indices, (i) => i % 3) };
};
const mlp = () => createEncoder({ kind: 'mlp', hidden: [12], outDim: 6, batchNorm: true, norm: 'layer', inputShape: [4, 4, 1], seed: 1 });
const supervised = (): Objective => createObjective({ name: 'supervised', classes: 3 });
const dp = (over: Partial<DpTrainOptions> = {}): DpTrainOptions => ({ clip: 1, epsilon: 4, delta: 1e-5, sampling: 'poisson', method: 'ghost', ...over });
const base: TrainEncoderOptions = { augment: noiseAugment, epochs: 3, batchSize: 8, lr: 0.01, seed: 3 };

async function train(options: Partial<TrainEncoderOptions>, data = labelled(40)) {
  const encoder = mlp();
  const warnings: TrainWarning[] = [];
  try {
    const result = await trainEncoder(encoder, supervised(), data, { ...base, ...options, onWarning: (w) => warnings.push(w) });
    const weights = snapshot(encoder.variables);
    result.objectiveState.dispose();
    return { weights, history: result.history, privacy: result.privacy, warnings };
  } finally {
    encoder.dispose();
  }
}

describe('planDp', () => {
  test('noise from a target epsilon: the run spends at most the target, and not much less; Poisson epochs are round(N / B) steps', () => {
    const plan = planDp(dp({ epsilon: 8 }), { dataSize: 500, batchSize: 64, epochs: 30, dropLast: true });
    assert.equal(plan.stepsPerEpoch, 8);
    assert.equal(plan.totalSteps, 240);
    assert.equal(plan.sampleRate, 64 / 500);
    const spent = privacySpent({ noise: plan.noise, sampleRate: plan.sampleRate, steps: 240, delta: 1e-5 }).epsilon;
    assert.ok(spent <= 8 && spent > 7.9, `spent ${spent}`);
    assert.equal(plan.epsilon, spent);
    const given = planDp(dp({ epsilon: undefined, noise: 1.1 }), { dataSize: 500, batchSize: 64, epochs: 30, dropLast: true });
    assert.equal(given.noise, 1.1);
    assert.ok(given.epsilon > 0);
  });

  test('bad settings say what was expected', () => {
    const run = { dataSize: 100, batchSize: 10, epochs: 1, dropLast: true };
    assert.throws(() => planDp(dp({ epsilon: undefined }), run), (e: unknown) => e instanceof InputError && /noise multiplier \(noise\) or a target epsilon/.test(e.message));
    assert.throws(() => planDp(dp({ clip: 0 }), run), (e: unknown) => e instanceof InputError && /dp\.clip/.test(e.message));
    assert.throws(() => planDp(dp({ delta: 1 }), run), (e: unknown) => e instanceof InputError && /dp\.delta/.test(e.message));
    assert.throws(() => planDp(dp({ sampling: 'fixed' as never }), run), (e: unknown) => e instanceof InputError && /dp\.sampling/.test(e.message));
    assert.throws(() => planDp({ ...dp(), noise: 1, epsilon: -1 }, run), /train options\.dp\.epsilon: expected a finite number in \(0, inf\), found -1/);
    assert.throws(() => planDp({ ...dp(), clipping: 1 } as never, run), /train options\.dp\.clipping: expected one of the fields clip, noise, epsilon, delta, sampling, method/);
  });
});

describe('DP-SGD training', () => {
  test('with no noise, no effective clipping and fixed batches it is ordinary training', async () => {
    const plain = await train({ optimizer: { name: 'sgd' } });
    const dpPlain = await train({ optimizer: { name: 'sgd' }, dp: dp({ epsilon: undefined, noise: 0, clip: 1e9, sampling: 'shuffle' }) });
    plain.weights.forEach((w, i) => w.forEach((v, k) => assert.ok(Math.abs(v - dpPlain.weights[i][k]) <= 1e-5 * (1 + Math.abs(v)), `variable ${i}[${k}]: ${v} vs ${dpPlain.weights[i][k]}`)));
    assert.deepEqual(dpPlain.warnings.map((w) => w.kind), ['dp-fixed-batches']);
  });

  test('one SGD step moves the weights by at most lr * C * (batch / expected batch) without noise', () => {
    const encoder = mlp();
    const objective = supervised();
    const state = objective.init(encoder, createRng(0));
    const optimizer = createOptimizer({ name: 'sgd' });
    const data = labelled(8);
    const indices = Int32Array.from([0, 1, 2, 3, 4, 5]);
    try {
      const before = snapshot([...encoder.variables, ...state.variables]);
      const parts = { encoder, objective, objectiveState: state, optimizer };
      const batch = () => ({ images: data.batch(indices), labels: data.labels(indices) });
      const r = dpTrainStep(parts, batch, noiseAugment, createRng(1), 0.5, { step: 0, totalSteps: 1 }, { clip: 0.01, noise: 0, expectedBatchSize: 8, method: 'ghost' });
      assert.equal(r.examples, 6);
      assert.equal(r.method, 'ghost');
      const after = snapshot([...encoder.variables, ...state.variables]);
      const moved = Math.sqrt(after.reduce((s, a, i) => s + a.reduce((t, v, k) => t + (v - before[i][k]) ** 2, 0), 0));
      assert.ok(moved <= 0.5 * 0.01 * (6 / 8) * (1 + 1e-4), `moved ${moved}`);
      assert.ok(moved > 0, 'the step moved the weights');
    } finally {
      state.dispose();
      encoder.dispose();
      optimizer.dispose();
    }
  });

  test('an empty Poisson batch is a step of noise alone, leaving no tensor behind', () => {
    const encoder = mlp();
    const objective = supervised();
    const state = objective.init(encoder, createRng(0));
    const optimizer = createOptimizer({ name: 'sgd' });
    try {
      const parts = { encoder, objective, objectiveState: state, optimizer };
      const settings = { clip: 1, noise: 1, expectedBatchSize: 8, method: 'ghost' } as const;
      dpTrainStep(parts, null, noiseAugment, createRng(0), 0.1, { step: 0, totalSteps: 2 }, settings); // creates the optimizer's slots
      const before = snapshot(encoder.variables);
      const count = tf.memory().numTensors;
      const r = dpTrainStep(parts, null, noiseAugment, createRng(1), 0.1, { step: 1, totalSteps: 2 }, settings);
      assert.equal(r.examples, 0);
      assert.ok(Number.isNaN(r.loss));
      assert.equal(tf.memory().numTensors, count);
      const after = snapshot(encoder.variables);
      assert.ok(after.some((a, i) => a.some((v, k) => v !== before[i][k])), 'the noise moved the weights');
    } finally {
      state.dispose();
      encoder.dispose();
      optimizer.dispose();
    }
  });

  test('Poisson DP-SGD: epsilon per epoch in the history up to the target, deterministic under the seed, numTensors flat', async () => {
    const count = tf.memory().numTensors;
    const a = await train({ epochs: 4, dp: dp({ epsilon: 4 }) });
    assert.equal(tf.memory().numTensors, count);
    const b = await train({ epochs: 4, dp: dp({ epsilon: 4 }) });
    assert.deepEqual(a.weights, b.weights);
    const epsilons = Array.from(a.history.array('epsilon') as ArrayLike<number>);
    assert.equal(epsilons.length, 4);
    epsilons.slice(1).forEach((e, i) => assert.ok(e > epsilons[i], 'epsilon grows epoch by epoch'));
    assert.ok(epsilons[3] <= 4 && epsilons[3] > 3.9, `final epsilon ${epsilons[3]}`);
    assert.equal(a.privacy?.totalSteps, 4 * 5);
    assert.deepEqual(a.warnings, []);
    const other = await train({ epochs: 4, dp: dp({ epsilon: 4 }), seed: 4 });
    assert.notDeepEqual(other.weights, a.weights);
  });

  test('a model with a layer that does not record falls back to one example at a time, with a warning', async () => {
    const encoder = tinyEncoder();
    const warnings: TrainWarning[] = [];
    try {
      const result = await trainEncoder(encoder, supervised(), labelled(16), { ...base, epochs: 1, dp: dp(), onWarning: (w) => warnings.push(w) });
      result.objectiveState.dispose();
    } finally {
      encoder.dispose();
    }
    assert.deepEqual(warnings.map((w) => w.kind), ['dp-microbatch']);
  });
});
