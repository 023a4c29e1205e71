import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import type { ProjectionHead } from '../../src/heads/projection-head';
import { negativeCosineSimilarity } from '../../src/losses/negative-cosine';
import { simsiam } from '../../src/methods/simsiam';
import { stopGradient } from '../../src/methods/stop-gradient';
import { halves } from '../../src/methods/two-views';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('stopGradient', () => {
  test("returns x's values, shape and dtype (a new tensor)", () => {
    tf.tidy(() => {
      const x = randomTensor([3, 4], 1);
      const y = stopGradient(x);
      assert.deepEqual(y.shape, [3, 4]);
      assert.equal(y.dtype, 'float32');
      assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
      assert.notEqual(y, x);
    });
  });

  test('the gradient through it is exactly zero', () => {
    tf.tidy(() => {
      const x = randomTensor([2, 3], 2);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(stopGradient(t))))(x);
      assert.ok(Array.from(g.dataSync()).every((v) => v === 0), `${g.dataSync()}`);
      const v = tf.variable(randomTensor([4], 3), true, 'stop_gradient_test/v');
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.exp(stopGradient(v))) as tf.Scalar, [v]);
      assert.ok(value.dataSync()[0] > 0);
      assert.ok(Array.from(grads[v.name].dataSync()).every((x) => x === 0));
      v.dispose();
    });
  });

  test('a loss using x both directly and stopped gets only the direct part', () => {
    tf.tidy(() => {
      const x = randomTensor([5], 4);
      const xs = Array.from(x.dataSync());
      // d/dx sum(x * sg(x)) = sg(x) = x (not 2x)
      const g1 = Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x).dataSync());
      assert.ok(maxAbsDiff(g1, xs) < 1e-7);
      // d/dx sum(x^3 + sin(sg(x)) x) = 3x^2 + sin(x)
      const g2 = Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.pow(t, 3), tf.mul(tf.sin(stopGradient(t)), t))))(x).dataSync());
      assert.ok(maxAbsDiff(g2, xs.map((v) => 3 * v * v + Math.sin(v))) < 1e-5);
    });
  });

  test('no tensors leak over repeated gradients', () => {
    const x = randomTensor([3, 3], 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      stopGradient(x).dispose();
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

describe('SimSiam stop-gradient', () => {
  test('its loss gradient equals the gradient with the stopped branch replaced by a constant of the same values', () => {
    const encoder = mlpEncoder({ inputShape: [4, 4, 1], hidden: [10], outDim: 6, seed: 3, name: 'simsiam_sg_encoder' });
    const objective = simsiam({ projector: { hidden: [8], outDim: 5 }, predictor: { hidden: [3] } });
    const state = objective.init(encoder, createRng(7));
    try {
      const predictor = (state as unknown as { predictor: ProjectionHead }).predictor;
      const varList = [...encoder.variables, ...state.variables] as tf.Variable[];
      tf.tidy(() => {
        const v1 = randomTensor([6, 4, 4, 1], 11) as tf.Tensor4D;
        const v2 = randomTensor([6, 4, 4, 1], 12) as tf.Tensor4D;
        const both = tf.concat([v1, v2], 0) as tf.Tensor4D;
        // the projections' values, detached by a round trip through JS numbers
        const z = tf.tidy(() => state.project!(encoder.apply(both, true), true));
        const zConst = tf.tensor(z.dataSync(), z.shape) as tf.Tensor2D;
        const manual = (target: (z: tf.Tensor2D) => tf.Tensor2D) => (): tf.Scalar => {
          const zz = state.project!(encoder.apply(both, true), true);
          const [p1, p2] = halves(predictor.apply(zz, true));
          const [z1, z2] = halves(target(zz));
          return tf.div(tf.add(negativeCosineSimilarity(p1, z2), negativeCosineSimilarity(p2, z1)), 2) as tf.Scalar;
        };
        const got = tf.variableGrads(() => objective.loss(encoder, state, { views: [v1, v2] }, createRng(0)), varList);
        const constant = tf.variableGrads(manual(() => zConst), varList);
        const through = tf.variableGrads(manual((zz) => zz), varList);
        assert.ok(Math.abs(got.value.dataSync()[0] - constant.value.dataSync()[0]) < 1e-6);
        assert.ok(Math.abs(got.value.dataSync()[0] - through.value.dataSync()[0]) < 1e-6);
        let throughDiffers = 0;
        for (const v of varList) {
          const a = got.grads[v.name].dataSync();
          const b = constant.grads[v.name].dataSync();
          const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
          assert.ok(maxAbsDiff(a, b) < 1e-5 * scale, `${v.name}: ${maxAbsDiff(a, b)}`);
          throughDiffers = Math.max(throughDiffers, maxAbsDiff(a, through.grads[v.name].dataSync()));
        }
        // and the stop-gradient matters: without it the gradients differ
        assert.ok(throughDiffers > 1e-4, `${throughDiffers}`);
      });
    } finally {
      state.dispose();
      encoder.dispose();
    }
  });

  test('the loss is symmetric in view order and a loss call leaves only its result', () => {
    const encoder = mlpEncoder({ inputShape: [4, 4, 1], hidden: [10], outDim: 6, seed: 4, name: 'simsiam_sg_encoder' });
    const objective = simsiam({ projector: { hidden: [8], outDim: 5 }, predictor: { hidden: [3] } });
    const state = objective.init(encoder, createRng(8));
    const v1 = randomTensor([4, 4, 4, 1], 21) as tf.Tensor4D;
    const v2 = randomTensor([4, 4, 4, 1], 22) as tf.Tensor4D;
    try {
      const counted = tf.memory().numTensors;
      const a = objective.loss(encoder, state, { views: [v1, v2] }, createRng(0));
      const b = objective.loss(encoder, state, { views: [v2, v1] }, createRng(0));
      assert.equal(tf.memory().numTensors, counted + 2);
      assert.ok(Math.abs(a.dataSync()[0] - b.dataSync()[0]) < 1e-6);
      assert.ok(a.dataSync()[0] >= -1 && a.dataSync()[0] <= 1);
      a.dispose();
      b.dispose();
    } finally {
      [v1, v2].forEach((t) => t.dispose());
      state.dispose();
      encoder.dispose();
    }
  });
});
