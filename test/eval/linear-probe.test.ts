import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { linearProbe, softmaxRegressionGradients, defaultLinearProbeOptions } from '../../src/eval/linear-probe';
import { InputError } from '../../src/util/errors';
import { clusters, noise } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

describe('linearProbe', () => {
  test('analytic gradients equal autodiff', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
      const y = tf.tensor2d([1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1], [5, 3]);
      const w = tf.randomNormal([4, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const b = tf.randomNormal([3], 0, 1, 'float32', 3) as tf.Tensor1D;
      const l2 = 0.3;
      const lossFn = (ww: tf.Tensor, bb: tf.Tensor) =>
        tf.add(
          tf.neg(tf.div(tf.sum(tf.mul(y, tf.logSoftmax(tf.add(tf.matMul(x, ww as tf.Tensor2D), bb)))), 5)),
          tf.mul(tf.sum(tf.square(ww)), l2 / 2),
        ) as tf.Scalar;
      const [gw, gb] = tf.grads(lossFn)([w, b]);
      const { dw, db, loss } = softmaxRegressionGradients(x, y, w, b, l2);
      const close = (a: tf.Tensor, e: tf.Tensor) => a.dataSync().forEach((v, i) => assert.ok(Math.abs(v - e.dataSync()[i]) < 1e-5));
      close(dw, gw);
      close(db, gb);
      const ce = tf.sub(lossFn(w, b), tf.mul(tf.sum(tf.square(w)), l2 / 2));
      close(loss, ce);
    });
  });

  test('separable clusters: high accuracy (minibatch and full batch), deterministic, no leak', async () => {
    const train = clusters(3, 30, 6, 4, 1);
    const testSet = clusters(3, 20, 6, 4, 2);
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const r = await linearProbe(train.features, train.labels, testSet.features, testSet.labels, {
      epochs: 30,
      batchSize: 16,
      onEpoch: (e, loss) => {
        epochs.push(e);
        assert.ok(Number.isFinite(loss));
      },
    });
    assert.equal(tf.memory().numTensors, before, 'no tensor leak');
    assert.deepEqual(epochs, Array.from({ length: 30 }, (_, i) => i + 1));
    assert.ok(r.accuracy >= 0.95, `test accuracy ${r.accuracy}`);
    assert.ok(r.trainAccuracy >= 0.95, `train accuracy ${r.trainAccuracy}`);
    assert.ok(r.loss < 0.3, `loss ${r.loss}`);
    assert.equal(r.predictions.length, 60);
    const again = await linearProbe(train.features, train.labels, testSet.features, testSet.labels, { epochs: 30, batchSize: 16 });
    assert.deepEqual(again, r);
    const full = await linearProbe(train.features, train.labels, testSet.features, testSet.labels, { epochs: 100, batchSize: 1000 });
    assert.ok(full.accuracy >= 0.95, `full-batch test accuracy ${full.accuracy}`);
  });

  test('tensor features give the same result as FeatureMatrix; standardisation makes column scale irrelevant', async () => {
    const train = clusters(2, 20, 3, 3, 5);
    const testSet = clusters(2, 20, 3, 3, 6);
    const o = { epochs: 20, batchSize: 8 };
    const a = await linearProbe(train.features, train.labels, testSet.features, testSet.labels, o);
    const trT = tf.tensor2d(train.features.data, [40, 3]);
    const teT = tf.tensor2d(testSet.features.data, [40, 3]);
    const b = await linearProbe(trT, train.labels, teT, testSet.labels, o);
    assert.deepEqual(b.predictions, a.predictions);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-6);
    assert.equal(trT.isDisposed, false, 'caller tensors are not disposed');
    trT.dispose();
    teT.dispose();
    const scale = (d: Float32Array) => d.map((v, i) => (i % 3 === 0 ? v * 1000 + 50 : v));
    const c = await linearProbe(
      { ...train.features, data: scale(train.features.data) },
      train.labels,
      { ...testSet.features, data: scale(testSet.features.data) },
      testSet.labels,
      o,
    );
    assert.deepEqual(c.predictions, a.predictions);
  });

  test('random labels: test accuracy at chance', async () => {
    const train = noise(200, 8, 2, 7);
    const testSet = noise(300, 8, 2, 8);
    const r = await linearProbe(train.features, train.labels, testSet.features, testSet.labels, { epochs: 30, batchSize: 64 });
    assert.ok(r.accuracy > 0.4 && r.accuracy < 0.6, `test accuracy ${r.accuracy}`);
  });

  test('defaults and invalid input -> InputError', async () => {
    assert.deepEqual(defaultLinearProbeOptions, { epochs: 100, batchSize: 256, learningRate: 0.01, l2: 1e-4, seed: 0 });
    const t = clusters(2, 3, 2, 1, 1);
    const f = t.features;
    const y = t.labels;
    const cases: Array<[Promise<unknown>, RegExp]> = [
      [linearProbe(f, y, f, y, { epochs: -1 }), /options\.epochs/],
      [linearProbe(f, y, f, y, { learningRate: 0 }), /options\.learningRate/],
      [linearProbe(f, y, f, y, { numClasses: 1 }), /options\.numClasses/],
      [linearProbe(f, y.slice(1), f, y), /trainLabels: expected 6 labels/],
      [linearProbe(f, Int32Array.from(y, (v, i) => (i === 2 ? 5 : v)), f, y, { numClasses: 2 }), /trainLabels\[2\]: expected an integer in \[0, 2\), found 5/],
      [linearProbe(f, y, { data: new Float32Array(6), rows: 2, cols: 3 }, y.slice(0, 2)), /testFeatures: expected 2 columns/],
      [linearProbe({ data: new Float32Array(5), rows: 3, cols: 2 }, y, f, y), /trainFeatures\.data: expected 3 x 2 = 6 values, found 5/],
    ];
    for (const [p, message] of cases) await assert.rejects(p, (e: unknown) => e instanceof InputError && message.test(e.message));
  });
});
