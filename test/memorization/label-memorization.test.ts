import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import type { BatchSource } from '../../src/memorization/image-source';
import { labelMemorizationScores, type LabelModel } from '../../src/memorization/label-memorization';
import { supervised } from '../../src/methods/supervised';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

/** A tiny supervised model: MLP encoder and a linear classifier over 3 classes, from a seed. */
function tinyModel(seed: number): LabelModel & { dispose(): void } {
  const encoder = mlpEncoder({ inputShape: [4, 4, 1], hidden: [8], outDim: 5, seed });
  const objectiveState = supervised({ classes: 3 }).init(encoder, createRng(seed + 100));
  return { encoder, objectiveState, dispose: () => (objectiveState.dispose(), encoder.dispose()) };
}

/** The softmax probability of each true label, by a loop over the logits. */
function naiveProbabilities(model: LabelModel, images: tf.Tensor4D, labels: readonly number[]): number[] {
  const logits = tf.tidy(() => model.objectiveState.classify!(model.encoder.apply(images, false), false).arraySync() as number[][]);
  return logits.map((row, i) => {
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    return Math.exp(row[labels[i]] - max) / sum;
  });
}

describe('labelMemorizationScores', () => {
  test('p_f and p_g are the means over the models of the naive softmax probability of the true label; score = p_f - p_g', () => {
    const f = [tinyModel(1), tinyModel(2)];
    const g = [tinyModel(3)];
    const images = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const labels = [2, 0, 1, 1, 2, 0];
    try {
      const perF = f.map((m) => naiveProbabilities(m, images, labels));
      const perG = g.map((m) => naiveProbabilities(m, images, labels));
      const before = tf.memory().numTensors;
      const scores = labelMemorizationScores(f, g, images, Int32Array.from(labels), { batchSize: 4 });
      assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
      for (let i = 0; i < labels.length; i++) {
        const pF = (perF[0][i] + perF[1][i]) / 2;
        assert.ok(Math.abs(scores.pF[i] - pF) < 1e-6, `p_f[${i}] ${scores.pF[i]} vs ${pF}`);
        assert.ok(Math.abs(scores.pG[i] - perG[0][i]) < 1e-6, `p_g[${i}] ${scores.pG[i]} vs ${perG[0][i]}`);
        assert.equal(scores.score[i], scores.pF[i] - scores.pG[i]);
        assert.equal(scores.pF[i], (scores.perF[0][i] + scores.perF[1][i]) / 2);
        assert.ok(scores.pF[i] > 0 && scores.pF[i] < 1 && scores.pG[i] > 0 && scores.pG[i] < 1);
      }
      assert.equal(scores.perF.length, 2);
      assert.equal(scores.perG.length, 1);
      assert.deepEqual(scores.perG[0], scores.pG);
    } finally {
      images.dispose();
      for (const m of [...f, ...g]) m.dispose();
    }
  });

  test('a batch source gives the same numbers as one tensor, and the same model on both sides scores 0', () => {
    const model = tinyModel(4);
    const images = tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const source: BatchSource = { size: 5, batch: (idx) => tf.gather(images, idx) as tf.Tensor4D };
    const labels = [0, 1, 2, 0, 1];
    try {
      const fromTensor = labelMemorizationScores([model], [model], images, labels);
      const fromSource = labelMemorizationScores([model], [model], source, labels, { batchSize: 2 });
      assert.deepEqual(fromSource.pF, fromTensor.pF);
      assert.deepEqual(Array.from(fromTensor.score), [0, 0, 0, 0, 0]);
    } finally {
      images.dispose();
      model.dispose();
    }
  });

  test('errors say where, what was expected and what was found', () => {
    const model = tinyModel(5);
    const images = tf.zeros([3, 4, 4, 1]) as tf.Tensor4D;
    try {
      assert.throws(() => labelMemorizationScores([], [model], images, [0, 1, 2]), /labelMemorizationScores: f: expected at least one model f, found 0/);
      assert.throws(() => labelMemorizationScores([model], [], images, [0, 1, 2]), /labelMemorizationScores: g: expected at least one model g, found 0/);
      assert.throws(() => labelMemorizationScores([model], [model], images, [0, 1]), /labelProbabilities: labels: expected 3 labels \(one per image\), found 2/);
      assert.throws(() => labelMemorizationScores([model], [model], images, [0, -1, 2]), /labels\[1\]: expected a class, an integer >= 0, found -1/);
      assert.throws(() => labelMemorizationScores([model], [model], images, [0, 1, 3]), /labels\[2\]: expected a class in \[0, 3\), found 3/);
      const ssl = { encoder: model.encoder, objectiveState: { variables: [], state: [], dispose: () => {} } };
      assert.throws(
        () => labelMemorizationScores([ssl], [model], images, [0, 1, 2], { objective: 'simclr' }),
        /state\.classify: expected the classifier of a supervised objective .*found an objective state without one \(objective "simclr"\)/,
      );
      assert.throws(() => labelMemorizationScores([model], [model], images, [0, 1, 2], { batchSize: 0 }), /options\.batchSize: expected an integer >= 1, found 0/);
    } finally {
      images.dispose();
      model.dispose();
    }
  });
});
