import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../../src/encoders/create-encoder';
import { createObjective } from '../../src/methods/registry';
import { createOptimizer } from '../../src/train/create-optimizer';
import { planDp, type DpTrainOptions } from '../../src/train/dp-options';
import { poissonBatches, shuffledBatches } from '../../src/train/epoch-batches';
import { plainStrategy } from '../../src/train/plain-strategy';
import { poissonBatch } from '../../src/train/poisson-batch';
import { privateStrategy } from '../../src/train/private-strategy';
import { resolveTrainOptions, type TrainWarning } from '../../src/train/train-options';
import type { StrategyRun } from '../../src/train/training-strategy';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';
import { noiseAugment, tinyData } from './tiny';

before(async () => {
  await tf.setBackend('cpu');
});

const dp = (over: Partial<DpTrainOptions> = {}): DpTrainOptions => ({ clip: 1, epsilon: 4, delta: 1e-5, sampling: 'poisson', method: 'ghost', ...over });

/** A strategy run over `n` labelled tiny images with a supervised objective; `dispose` frees it. */
function run(n: number, options: Record<string, unknown>, warnings: TrainWarning[] = []): StrategyRun & { dispose(): void } {
  const encoder = createEncoder({ kind: 'mlp', hidden: [12], outDim: 6, batchNorm: true, norm: 'layer', inputShape: [4, 4, 1], seed: 1 } as never);
  const objective = createObjective({ name: 'supervised', classes: 3 } as never);
  const objectiveState = objective.init(encoder, createRng(0));
  const optimizer = createOptimizer({ name: 'sgd' });
  const data = { ...tinyData(n), labels: (indices: Int32Array) => Int32Array.from(indices, (i) => i % 3) };
  const o = resolveTrainOptions({ augment: noiseAugment, batchSize: 8, epochs: 3, seed: 3, onWarning: (w) => warnings.push(w), ...options }, n);
  return {
    parts: { encoder, objective, objectiveState, optimizer },
    data,
    options: o,
    dispose: () => [optimizer, objectiveState, encoder].forEach((x) => x.dispose()),
  };
}

describe('epoch batches', () => {
  test('shuffled: the epoch permutation from fork("order").fork(epoch), cut into batches', () => {
    const rng = createRng(3);
    const batches = [...shuffledBatches(20, 8, 3, 1, rng)];
    assert.deepEqual(batches.map((b) => b.length), [8, 8, 4]);
    assert.deepEqual(Int32Array.from(batches.flatMap((b) => [...b])), rng.fork('order').fork(1).permutation(20));
    assert.notDeepEqual([...shuffledBatches(20, 8, 3, 2, rng)], batches);
  });

  test('Poisson: step s of the run draws from fork("poisson").fork(s)', () => {
    const rng = createRng(3);
    const batches = [...poissonBatches(40, 0.2, 5, 2, rng)];
    assert.equal(batches.length, 5);
    batches.forEach((b, i) => assert.deepEqual(b, poissonBatch(40, 0.2, rng.fork('poisson').fork(2 * 5 + i))));
  });
});

describe('training strategies', () => {
  test('plain: steps per epoch from batchSize and dropLast, no privacy, no history columns', () => {
    const r = run(20, { dropLast: false });
    try {
      const s = plainStrategy(r);
      assert.equal(s.stepsPerEpoch, 3);
      assert.equal(s.privacy, undefined);
      assert.equal(s.afterEpoch, undefined);
      const loss = s.step(Int32Array.from([0, 1, 2, 3]), createRng(1), 0.1, { step: 0, totalSteps: 9 });
      assert.ok(Number.isFinite(loss));
    } finally {
      r.dispose();
    }
  });

  test('private: planned from options.dp, Poisson batches, epsilon after each epoch, an empty batch is a NaN-loss step of noise', () => {
    const r = run(40, { dp: dp() });
    try {
      const s = privateStrategy(r);
      const plan = planDp(dp(), { dataSize: 40, batchSize: 8, epochs: 3, dropLast: true });
      assert.deepEqual(s.privacy, plan);
      assert.equal(s.stepsPerEpoch, 5);
      const rng = createRng(3);
      assert.deepEqual([...s.batches(1, rng)], [...poissonBatches(40, plan.sampleRate, 5, 1, rng)]);
      assert.deepEqual(s.afterEpoch?.(3), { epsilon: plan.epsilon });
      assert.ok(Number.isNaN(s.step(new Int32Array(0), createRng(1), 0.1, { step: 0, totalSteps: 15 })));
    } finally {
      r.dispose();
    }
  });

  test('private on shuffled batches: the plain batches, and a warning that the epsilon is not a proven bound', () => {
    const warnings: TrainWarning[] = [];
    const r = run(40, { dp: dp({ sampling: 'shuffle' }) }, warnings);
    try {
      const s = privateStrategy(r);
      assert.deepEqual(warnings.map((w) => w.kind), ['dp-fixed-batches']);
      const rng = createRng(3);
      assert.deepEqual([...s.batches(0, rng)], [...plainStrategy(r).batches(0, rng)]);
    } finally {
      r.dispose();
    }
  });

  test('private without dp settings says what it expected', () => {
    const r = run(40, {});
    try {
      assert.throws(() => privateStrategy(r), (e: unknown) => e instanceof InputError && /options\.dp: expected DP-SGD settings/.test(e.message));
    } finally {
      r.dispose();
    }
  });
});

describe('resolveTrainOptions', () => {
  test('every field is checked where it is given, with the field named', () => {
    const ok = { augment: noiseAugment };
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ dropLast: 'yes' }, /train options\.dropLast: expected true or false/],
      [{ schedule: 'linear' }, /train options\.schedule: expected one of "constant", "cosine", found "linear"/],
      [{ lr: Number.NaN }, /train options\.lr: expected a finite number/],
      [{ onStep: 3 }, /train options\.onStep: expected a function/],
      [{ checkpointEpochs: [0] }, /train options\.checkpointEpochs\[0\]: expected an integer >= 1/],
      [{ augment: undefined }, /train options\.augment: expected an augmentation/],
    ];
    for (const [options, message] of bad) assert.throws(() => resolveTrainOptions({ ...ok, ...options } as never, 10), message);
    const o = resolveTrainOptions({ ...ok, epochs: undefined, batchSize: 4 }, 10);
    assert.equal(o.epochs, 10);
    assert.equal(o.batchSize, 4);
  });
});
