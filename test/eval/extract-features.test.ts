import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { extractFeatures } from '../../src/eval/extract-features';
import { InputError } from '../../src/util/errors';

before(async () => {
  await tf.setBackend('cpu');
});

describe('extractFeatures', () => {
  test('equals the representer on the whole tensor, for any batch size; progress per batch; no leak', async () => {
    const x = tf.randomUniform([7, 2, 2, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([12, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const represent = (v: tf.Tensor4D) => tf.matMul(tf.reshape(v, [v.shape[0], 12]), w) as tf.Tensor2D;
    const expected = tf.tidy(() => represent(x)).dataSync();
    const before = tf.memory().numTensors;
    for (const batchSize of [1, 3, 7, 100]) {
      const progress: number[] = [];
      const f = await extractFeatures(represent, x, { batchSize, onProgress: (d) => progress.push(d) });
      assert.equal(f.rows, 7);
      assert.equal(f.cols, 5);
      assert.equal(progress.length, Math.ceil(7 / batchSize));
      assert.equal(progress.at(-1), 7);
      f.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5));
    }
    const byNumber = await extractFeatures(represent, x, 2);
    assert.deepEqual(byNumber.data, (await extractFeatures(represent, x, { batchSize: 2 })).data);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    w.dispose();
  });

  test('invalid input -> InputError', async () => {
    const x = tf.zeros([4, 2, 2, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    await assert.rejects(extractFeatures((v) => tf.reshape(v, [v.shape[0], 4]), x, 0), InputError);
    await assert.rejects(
      extractFeatures((v) => tf.reshape(v, [-1]) as never, x, 2),
      (e: unknown) => e instanceof InputError && /representer output \(images 0\.\.1\)/.test(e.message),
    );
    // A representer whose width changes between batches.
    let calls = 0;
    await assert.rejects(
      extractFeatures((v) => tf.zeros([v.shape[0], ++calls]) as tf.Tensor2D, x, 2),
      (e: unknown) => e instanceof InputError && /expected a 2-D tensor \[2, 1\]/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
