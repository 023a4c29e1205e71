import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import { labelProbabilities } from '../../src/memorization/label-probabilities';
import { simclr } from '../../src/methods/simclr';
import { supervised } from '../../src/methods/supervised';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

describe('labelProbabilities', () => {
  test('the softmax probability of each true label, as a naive loop computes it, in any batch size', () => {
    const encoder = mlpEncoder({ inputShape: [4, 4, 1], hidden: [8], outDim: 5, seed: 1 });
    const state = supervised({ classes: 3 }).init(encoder, createRng(2));
    const images = tf.randomUniform([7, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = [0, 1, 2, 2, 1, 0, 1];
    try {
      const logits = tf.tidy(() => state.classify!(encoder.apply(images, false), false).arraySync() as number[][]);
      const expected = logits.map((row, i) => Math.exp(row[labels[i]]) / row.reduce((s, v) => s + Math.exp(v), 0));
      const before = tf.memory().numTensors;
      for (const batchSize of [1, 3, 100]) {
        const got = labelProbabilities(encoder, state, images, labels, { batchSize });
        got.forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-6, `${p} vs ${expected[i]}`));
      }
      assert.equal(tf.memory().numTensors, before);
      assert.throws(() => labelProbabilities(encoder, state, images, labels.slice(1)), /labels: expected 7 labels/);
      assert.throws(() => labelProbabilities(encoder, state, images, [...labels.slice(1), 3]), /labels\[6\]: expected a class in \[0, 3\), found 3/);
      const ssl = simclr({ projector: { hidden: [4], outDim: 4 } }).init(encoder, createRng(0));
      assert.throws(() => labelProbabilities(encoder, ssl, images, labels), /state\.classify: expected the classifier of a supervised objective/);
      ssl.dispose();
    } finally {
      images.dispose();
      state.dispose();
      encoder.dispose();
    }
  });
});
