import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { Encoder } from '../../src/encoders/encoder';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import { cnnEncoder } from '../../src/encoders/cnn-encoder';
import { unitMem, type UnitMemVariant } from '../../src/memorization/unit-mem';
import { scoringViewRng } from '../../src/memorization/view-rng';
import { InputError } from '../../src/util/errors';
import { affineAugment, assertClose, imagesTensor, randomImages, SHAPE } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

/**
 * Naive UnitMem: every point and augmentation alone through applyLayers, the layer output
 * read into JS, channels averaged over their positions by loops, then max and rest by loops.
 */
function naiveUnitMem(encoder: Encoder, layer: string, x: tf.Tensor4D, augmentations: number, seed: number, variant: UnitMemVariant): { mem: number[]; top: number[] } {
  const n = x.shape[0];
  const mu: number[][] = [];
  for (let i = 0; i < n; i++) {
    const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    let acc: number[] = [];
    for (let a = 0; a < augmentations; a++) {
      const view = affineAugment(xi, scoringViewRng(seed, String(i), a, 0));
      const out = tf.tidy(() => encoder.applyLayers!(view, false).find((l) => l.name === layer)!.output);
      const values = out.dataSync();
      const units = out.shape[out.rank - 1];
      const positions = values.length / units;
      const act = Array.from({ length: units }, (_, u) => {
        let s = 0;
        for (let p = 0; p < positions; p++) s += values[p * units + u];
        return s / positions;
      });
      acc = acc.length === 0 ? act : acc.map((v, u) => v + act[u]);
      out.dispose();
      view.dispose();
    }
    xi.dispose();
    mu.push(acc.map((v) => v / augmentations));
  }
  const units = mu[0].length;
  const mem: number[] = [];
  const top: number[] = [];
  for (let u = 0; u < units; u++) {
    let t = 0;
    for (let i = 1; i < n; i++) if (mu[i][u] > mu[t][u]) t = i;
    const others = mu.filter((_, i) => i !== t).map((r) => r[u]).sort((p, q) => p - q);
    const rest = variant === 'mean' ? others.reduce((s, v) => s + v, 0) / others.length : others.length % 2 === 1 ? others[(others.length - 1) / 2] : (others[others.length / 2 - 1] + others[others.length / 2]) / 2;
    const max = mu[t][u];
    mem.push(max - rest === 0 ? 0 : (max - rest) / (max + rest));
    top.push(t);
  }
  return { mem, top };
}

const mlp = () => mlpEncoder({ inputShape: SHAPE, hidden: [6, 5], outDim: 3, seed: 3 });
const cnn = () => cnnEncoder({ inputShape: SHAPE, widths: [3, 4], outDim: 3, seed: 4 });

describe('unitMem', () => {
  for (const [name, make, layers] of [['MLP', mlp, ['hidden1', 'hidden2']], ['CNN', cnn, ['block1', 'block2', 'pool']]] as const) {
    for (const variant of ['mean', 'median'] as const) {
      test(`${name} (${variant}) matches a naive loop over points, units and augmentations`, async () => {
        const encoder = make();
        const x = imagesTensor(randomImages(8, 5));
        for (const layer of layers) {
          const before = tf.memory().numTensors;
          const r = await unitMem(encoder, layer, x, affineAugment, { augmentations: 3, variant, batchSize: 3, seed: 2, keepActivations: true });
          assert.equal(tf.memory().numTensors, before, `${layer}: no tensor leak`);
          const naive = naiveUnitMem(encoder, layer, x, 3, 2, variant);
          assertClose(r.unitMem, naive.mem, 1e-5);
          assert.deepEqual(Array.from(r.topPoint), naive.top, layer);
          assert.equal(r.meanActivation!.length, 8 * naive.mem.length);
          assert.ok(r.unitMem.every((v) => v >= 0 && v <= 1), `${layer}: relu units give UnitMem in [0, 1]`);
        }
        x.dispose();
        encoder.dispose();
      });
    }
  }

  test('batch size does not change the numbers (3 vs 7)', async () => {
    const encoder = cnn();
    const x = imagesTensor(randomImages(10, 6));
    const a = await unitMem(encoder, 'block2', x, affineAugment, { augmentations: 2, batchSize: 3, keepActivations: true });
    const b = await unitMem(encoder, 'block2', x, affineAugment, { augmentations: 2, batchSize: 7, keepActivations: true });
    assert.deepEqual(Array.from(a.unitMem), Array.from(b.unitMem));
    assert.deepEqual(Array.from(a.topPoint), Array.from(b.topPoint));
    assert.deepEqual(Array.from(a.meanActivation!), Array.from(b.meanActivation!));
    const plain = await unitMem(encoder, 'block2', x, affineAugment, { augmentations: 2 });
    assert.equal(plain.meanActivation, undefined, 'activations only on request');
    x.dispose();
    encoder.dispose();
  });

  test('bad inputs are InputErrors naming the field', async () => {
    const encoder = mlp();
    const x = imagesTensor(randomImages(4, 7));
    const fails = (options: object, layer: string, pattern: RegExp) =>
      assert.rejects(unitMem(encoder, layer, x, affineAugment, options), (e: unknown) => e instanceof InputError && pattern.test(e.message));
    await fails({}, 'hidden7', /layer: expected one of the encoder's layers hidden1, hidden2, out, found "hidden7"/);
    await fails({ augmentations: 0 }, 'hidden1', /options\.augmentations: expected an integer >= 1, found 0/);
    await fails({ variant: 'max' }, 'hidden1', /options\.variant: expected one of mean, median, found max/);
    await fails({ batchSize: 0 }, 'hidden1', /options\.batchSize/);
    const one = tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    await assert.rejects(unitMem(encoder, 'hidden1', one, affineAugment), /at least two points/);
    one.dispose();
    x.dispose();
    encoder.dispose();
  });
});
