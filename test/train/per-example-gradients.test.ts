import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../../src/encoders/create-encoder';
import type { Encoder } from '../../src/encoders/encoder';
import { patchify } from '../../src/encoders/patchify';
import { withPerExampleTape } from '../../src/encoders/per-example-tape';
import { maskedPatchMse } from '../../src/losses/masked-patch-mse';
import type { Objective, ObjectiveBatch } from '../../src/methods/objective';
import { createObjective } from '../../src/methods/registry';
import { randomPatchMask } from '../../src/methods/random-patch-mask';
import { computeGradients } from '../../src/train/compute-gradients';
import { clippedGradientSum } from '../../src/train/per-example-gradients';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

/** Example `i`'s gradient computed on its own: one backward pass on a batch of one. */
function oneAtATime(encoder: Encoder, objective: Objective, state: ReturnType<Objective['init']>, batch: ObjectiveBatch, i: number): Record<string, Float32Array> {
  return tf.tidy(() => {
    const views = batch.views.map((v) => tf.slice(v, [i, 0, 0, 0], [1, ...v.shape.slice(1)]) as tf.Tensor4D);
    const single = batch.labels === undefined ? { views } : { views, labels: tf.slice(batch.labels, [i], [1]) };
    const { grads } = computeGradients(encoder, objective, state, single, createRng(0));
    return Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, g.dataSync() as Float32Array]));
  });
}

const norm = (g: Record<string, Float32Array>) => Math.sqrt(Object.values(g).reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0));

/**
 * Ghost norms and the clipped sum from one backward pass against gradients computed one
 * example at a time: relative error <= 1e-5 on every norm and on the clipped sum (clip at
 * the median norm, so some examples are clipped and some are not).
 */
function checkAgainstOneAtATime(encoder: Encoder, objective: Objective, batch: ObjectiveBatch): void {
  const state = objective.init(encoder, createRng(1));
  try {
    const n = batch.views[0].shape[0];
    const reference = Array.from({ length: n }, (_, i) => oneAtATime(encoder, objective, state, batch, i));
    const norms = reference.map(norm);
    const clip = [...norms].sort((a, b) => a - b)[Math.floor(n / 2)];
    const before = tf.memory().numTensors;
    const out = clippedGradientSum(encoder, objective, state, batch, createRng(0), { clip, method: 'ghost' });
    assert.equal(out.method, 'ghost', 'every variable is covered by a recording layer');
    out.norms.forEach((v, i) => assert.ok(Math.abs(v - norms[i]) <= 1e-5 * norms[i], `norm of example ${i}: ${v} vs ${norms[i]}`));
    let diff = 0;
    let ref = 0;
    for (const [name, t] of Object.entries(out.sum)) {
      const got = t.dataSync();
      const want = new Float32Array(got.length);
      reference.forEach((g, i) => {
        const s = Math.min(1, clip / norms[i]);
        g[name]?.forEach((v, k) => (want[k] += v * s));
      });
      got.forEach((v, k) => {
        diff += (v - want[k]) ** 2;
        ref += want[k] ** 2;
      });
    }
    assert.ok(Math.sqrt(diff / ref) <= 1e-5, `clipped sum relative error ${Math.sqrt(diff / ref)}`);
    out.loss.dispose();
    Object.values(out.sum).forEach((t) => t.dispose());
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  } finally {
    state.dispose();
  }
}

function images(n: number, shape: readonly [number, number, number], seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: n * shape[0] * shape[1] * shape[2] }, () => rng.uniform(0, 1));
  return tf.tensor4d(values, [n, ...shape]);
}

const labels = (n: number, classes: number) => tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % classes), 'int32');

describe('per-example gradients (ghost clipping) against one example at a time', () => {
  const supervised = createObjective({ name: 'supervised', classes: 3 });
  const cases: Array<[string, { kind: string; [field: string]: unknown }, readonly [number, number, number]]> = [
    ['MLP with layer norm (dense, layer-norm affine)', { kind: 'mlp', hidden: [12, 10], outDim: 6, batchNorm: true, norm: 'layer' }, [6, 6, 1]],
    ['CNN with group norm and conv biases (conv, group norm)', { kind: 'cnn', widths: [4, 6], outDim: 5, norm: 'group', normGroups: 2, convBias: true }, [8, 8, 2]],
    ['ResNet with layer norm and strided convs', { kind: 'resnet', widths: [4, 6], blocks: [1, 1], downsample: 'stride', norm: 'layer', outDim: 5 }, [8, 8, 1]],
    ['ViT with a class token (patch embedding, attention, layer norm, position embedding)', { kind: 'vit', patchSize: 4, dim: 8, depth: 2, heads: 2, mlpRatio: 2, pool: 'cls' }, [8, 8, 1]],
  ];
  for (const [what, config, shape] of cases) {
    test(`${what}, supervised cross-entropy`, () => {
      const encoder = createEncoder({ ...config, inputShape: shape, seed: 3 });
      const batch = { views: [images(6, shape, 5)], labels: labels(6, 3) };
      try {
        checkAgainstOneAtATime(encoder, supervised, batch);
      } finally {
        encoder.dispose();
        tf.dispose([...batch.views, batch.labels]);
      }
    });
  }

  const heads = { hidden: [12], outDim: 6, batchNorm: true, norm: 'layer' };
  for (const objective of [
    createObjective({ name: 'byol', projector: heads, predictor: { hidden: [12], batchNorm: true, norm: 'layer' } }),
    createObjective({ name: 'simsiam', projector: { ...heads, outputBatchNorm: true }, predictor: { hidden: [4], batchNorm: true, norm: 'layer' } }),
  ]) {
    test(`${objective.config.name} with layer-norm heads: two stacked views of each example`, () => {
      const encoder = createEncoder({ kind: 'mlp', hidden: [10], outDim: 6, inputShape: [6, 6, 1], seed: 2 });
      const batch = { views: [images(5, [6, 6, 1], 7), images(5, [6, 6, 1], 8)] };
      try {
        checkAgainstOneAtATime(encoder, objective, batch);
      } finally {
        encoder.dispose();
        tf.dispose(batch.views);
      }
    });
  }

  test('MAE on a ViT (visible-token encoder, decoder with mask token and position embeddings), masks fixed per example', () => {
    const mae = createObjective({ name: 'mae', decoderDim: 8, decoderHeads: 2 });
    const n = 5;
    const mask = randomPatchMask(n, 4, 0.5, createRng(9));
    // The labels carry each example's index, so one example on its own gets its own mask.
    const fixedMask: Objective = {
      ...mae,
      loss(encoder, state, { views, labels: index }) {
        return tf.tidy(() => {
          const visible = tf.gather(mask.visible, index!) as tf.Tensor3D;
          const masked = tf.gather(mask.masked, index!);
          const tokens = encoder.tokens!;
          const prediction = (state as unknown as { decoder: { apply(t: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D } }).decoder.apply(tokens.encodeVisible(views[0], visible, true), visible);
          return maskedPatchMse(prediction, patchify(views[0], tokens.patchSize), masked as tf.Tensor2D, { normalizeTarget: true });
        });
      },
    };
    const encoder = createEncoder({ kind: 'vit', patchSize: 4, dim: 8, depth: 1, heads: 2, mlpRatio: 2, pool: 'cls', inputShape: [8, 8, 1], seed: 4 });
    const batch = { views: [images(n, [8, 8, 1], 11)], labels: tf.tensor1d([0, 1, 2, 3, 4], 'int32') };
    try {
      checkAgainstOneAtATime(encoder, fixedMask, batch);
    } finally {
      encoder.dispose();
      tf.dispose([...batch.views, batch.labels, mask.visible, mask.masked]);
    }
  });

  test('a model with a variable no recording layer covers falls back to one pass per example, with the same result', () => {
    const encoder = createEncoder({ kind: 'mlp', hidden: [8], outDim: 4, inputShape: [4, 4, 1], seed: 1 });
    const scale = tf.variable(tf.tensor1d([1.5, 0.5, 1, 2]), true, 'test_scale/s');
    const base = createObjective({ name: 'supervised', classes: 4 });
    const objective: Objective = {
      ...base,
      init(enc, rng) {
        const s = base.init(enc, rng);
        return { ...s, variables: [...s.variables, scale] };
      },
      loss(enc, state, batch) {
        return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.mul(enc.apply(batch.views[0], true), scale)), 1)));
      },
    };
    const batch = { views: [images(4, [4, 4, 1], 2)], labels: labels(4, 4) };
    const state = objective.init(encoder, createRng(0));
    try {
      const out = clippedGradientSum(encoder, objective, state, batch, createRng(0), { clip: 0.1, method: 'ghost' });
      assert.equal(out.method, 'microbatch');
      const direct = clippedGradientSum(encoder, objective, state, batch, createRng(0), { clip: 0.1, method: 'microbatch' });
      for (const name of Object.keys(direct.sum)) assert.deepEqual(Array.from(out.sum[name].dataSync()), Array.from(direct.sum[name].dataSync()));
      tf.dispose([out.loss, direct.loss, ...Object.values(out.sum), ...Object.values(direct.sum)]);
    } finally {
      encoder.dispose();
      scale.dispose();
      tf.dispose([...batch.views, batch.labels]);
    }
  });

  test('batch norm refuses under per-example gradients, naming the layer and the norms that work', () => {
    const encoder = createEncoder({ kind: 'mlp', hidden: [8], outDim: 4, batchNorm: true, inputShape: [4, 4, 1], seed: 1 });
    const x = images(3, [4, 4, 1], 1);
    try {
      assert.throws(
        () => withPerExampleTape(3, () => encoder.apply(x, true)),
        (e: Error) => /batch norm encoder\/bn1/.test(e.message) && /layer norm or group norm/.test(e.message),
      );
      tf.tidy(() => encoder.apply(x, true)); // outside DP it works as before
    } finally {
      encoder.dispose();
      x.dispose();
    }
  });
});
