import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import { cnnEncoder } from '../../src/encoders/cnn-encoder';
import { layerNames, layerRepresenter } from '../../src/memorization/layer-mem';
import { encoderRepresenter } from '../../src/memorization/representer';
import { sslmemScores } from '../../src/memorization/sslmem-scores';
import { scoringViewRng } from '../../src/memorization/view-rng';
import { InputError } from '../../src/util/errors';
import { affineAugment, assertClose, imagesTensor, randomImages, SHAPE } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

const mlp = (seed: number) => mlpEncoder({ inputShape: SHAPE, hidden: [5, 4], outDim: 3, seed });

/** Naive alignment loss of one layer: per point and pair, both views alone through applyLayers, flattened, normalised, l2 distance. */
function naiveLayerLoss(encoder: ReturnType<typeof mlp>, layer: string, x: tf.Tensor4D, pairs: number, seed: number): number[] {
  const n = x.shape[0];
  const flat = (v: tf.Tensor4D): number[] =>
    tf.tidy(() => Array.from(encoder.applyLayers!(v, false).find((l) => l.name === layer)!.output.dataSync()));
  const unit = (z: number[]): number[] => {
    const norm = Math.sqrt(z.reduce((s, v) => s + v * v, 0));
    return z.map((v) => v / Math.max(norm, 1e-12));
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    let sum = 0;
    for (let k = 0; k < pairs; k++) {
      const va = affineAugment(xi, scoringViewRng(seed, String(i), k, 0));
      const vb = affineAugment(xi, scoringViewRng(seed, String(i), k, 1));
      const a = unit(flat(va));
      const b = unit(flat(vb));
      sum += Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0));
      va.dispose();
      vb.dispose();
    }
    xi.dispose();
    out.push(sum / pairs);
  }
  return out;
}

describe('layerNames', () => {
  test('lists the MLP and CNN layers in forward order, leak-free', () => {
    const before = tf.memory().numTensors;
    const f = mlp(1);
    const c = cnnEncoder({ inputShape: [6, 6, 1], widths: [2, 3], outDim: 4, seed: 2 });
    const afterBuild = tf.memory().numTensors;
    assert.deepEqual(layerNames(f), ['hidden1', 'hidden2', 'out']);
    assert.deepEqual(layerNames(c), ['block1', 'block2', 'pool', 'out']);
    assert.equal(tf.memory().numTensors, afterBuild);
    f.dispose();
    c.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('an encoder without applyLayers is an InputError', () => {
    const f = mlp(1);
    const bare = { ...f, applyLayers: undefined };
    assert.throws(() => layerNames(bare), (e: unknown) => e instanceof InputError && /applyLayers/.test(e.message));
    f.dispose();
  });
});

describe('layerRepresenter (LayerMem)', () => {
  test('the last layer gives the encoder\'s own SSLMem', async () => {
    const x = imagesTensor(randomImages(7, 3));
    const f = [mlp(11), mlp(12)];
    const g = [mlp(13)];
    const o = { pairs: 3, batchSize: 4, seed: 5 };
    const before = tf.memory().numTensors;
    const byLayer = await sslmemScores(f.map((e) => layerRepresenter(e, 'out')), g.map((e) => layerRepresenter(e, 'out')), x, affineAugment, o);
    const own = await sslmemScores(f.map(encoderRepresenter), g.map(encoderRepresenter), x, affineAugment, o);
    assert.equal(tf.memory().numTensors, before, 'no tensor leak');
    assertClose(byLayer.raw, own.raw, 1e-6);
    assertClose(byLayer.alignF, own.alignF, 1e-6);
    assertClose(byLayer.alignG, own.alignG, 1e-6);
    x.dispose();
    [...f, ...g].forEach((e) => e.dispose());
  });

  test('a middle layer matches a naive per-point loop over the same views', async () => {
    const x = imagesTensor(randomImages(6, 4));
    const f = mlp(21);
    const g = mlp(22);
    const before = tf.memory().numTensors;
    const s = await sslmemScores([layerRepresenter(f, 'hidden1')], [layerRepresenter(g, 'hidden1')], x, affineAugment, { pairs: 2, batchSize: 4, seed: 9 });
    assert.equal(tf.memory().numTensors, before, 'no tensor leak');
    const lf = naiveLayerLoss(f, 'hidden1', x, 2, 9);
    const lg = naiveLayerLoss(g, 'hidden1', x, 2, 9);
    assertClose(s.alignF, lf, 1e-5);
    assertClose(s.alignG, lg, 1e-5);
    assertClose(s.raw, lg.map((v, i) => v - lf[i]), 1e-5);
    x.dispose();
    f.dispose();
    g.dispose();
  });

  test('a CNN feature map is flattened per example', () => {
    const c = cnnEncoder({ inputShape: [6, 6, 1], widths: [2, 3], outDim: 4, seed: 2 });
    const x = tf.randomUniform([3, 6, 6, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const z = tf.tidy(() => layerRepresenter(c, 'block1')(x));
    const map = tf.tidy(() => c.applyLayers!(x, false)[0].output);
    assert.equal(z.shape[0], 3);
    assert.equal(z.shape[1], map.size / 3);
    assertClose(z.dataSync(), map.dataSync(), 0);
    z.dispose();
    map.dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    c.dispose();
  });

  test('an unknown layer is an InputError listing the layer names', () => {
    const f = mlp(1);
    assert.throws(
      () => layerRepresenter(f, 'hidden9'),
      (e: unknown) => e instanceof InputError && /layer/.test(e.where) && /hidden1, hidden2, out/.test(e.message) && /hidden9/.test(e.message),
    );
    f.dispose();
  });
});
