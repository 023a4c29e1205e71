import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { alignmentLoss, alignmentLosses, defaultAlignmentLossOptions } from '../../src/memorization/alignment-loss';
import { datasetSource, type BatchSource } from '../../src/memorization/image-source';
import type { Augmentation } from '../../src/augment/augmentation';
import { InputError } from '../../src/util/errors';
import {
  affineAugment, assertClose, imagesTensor, linearRepresenter, naiveAlignmentLoss, randomImages, randomWeights, SHAPE,
} from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

const N = 7;
const rows = randomImages(N, 1);
const weightsF = randomWeights(3, 2);
const weightsG = randomWeights(3, 3);

describe('alignmentLoss', () => {
  test('defaults', () => {
    assert.deepEqual(defaultAlignmentLossOptions, { pairs: 10, normalize: true, mode: 'pairs', batchSize: 128, seed: 0 });
  });

  for (const mode of ['pairs', 'clean'] as const) {
    for (const normalize of [true, false]) {
      test(`matches a naive loop (mode ${mode}, normalize ${normalize}, partial last batch)`, async () => {
        const x = imagesTensor(rows);
        const { represent, w } = linearRepresenter(weightsF);
        const before = tf.memory().numTensors;
        const o = { pairs: 3, batchSize: 3, seed: 11, normalize, mode };
        const got = await alignmentLoss(represent, x, affineAugment, o);
        assert.equal(tf.memory().numTensors, before, 'no tensor leak');
        assert.ok(got instanceof Float32Array && got.length === N);
        assertClose(got, naiveAlignmentLoss(weightsF, rows, o), 1e-4);
        if (normalize) assert.ok(got.every((v) => v > 0 && v <= 2));
        x.dispose();
        w.dispose();
      });
    }
  }

  test('same seed: same numbers; other seed: other numbers', async () => {
    const x = imagesTensor(rows);
    const { represent, w } = linearRepresenter(weightsF);
    const a = await alignmentLoss(represent, x, affineAugment, { pairs: 2, seed: 5 });
    const b = await alignmentLoss(represent, x, affineAugment, { pairs: 2, seed: 5 });
    const c = await alignmentLoss(represent, x, affineAugment, { pairs: 2, seed: 6 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    x.dispose();
    w.dispose();
  });

  test('f and g see identical views for the same seed (and different views for another seed)', async () => {
    const x = imagesTensor(rows);
    const f = linearRepresenter(weightsF);
    const g = linearRepresenter(weightsG);
    const record = (log: number[][]): Augmentation => (images, rng) => {
      const view = affineAugment(images, rng);
      log.push(Array.from(view.dataSync()));
      return view;
    };
    const logF: number[][] = [];
    const logG: number[][] = [];
    const logOther: number[][] = [];
    const o = { pairs: 2, batchSize: 4, seed: 3 };
    const lf = await alignmentLoss(f.represent, x, record(logF), o);
    const lg = await alignmentLoss(g.represent, x, record(logG), o);
    await alignmentLoss(g.represent, x, record(logOther), { ...o, seed: 4 });
    assert.equal(logF.length, N * 2 * 2); // each point x 2 pairs x 2 views
    assert.deepEqual(logF, logG);
    assert.notDeepEqual(logF, logOther);
    assert.notDeepEqual(lf, lg);
    // The two views of a pair differ.
    assert.notDeepEqual(logF[0], logF[1]);
    x.dispose();
    f.w.dispose();
    g.w.dispose();
  });

  test('alignmentLosses on several encoders equals separate calls, and draws the views once', async () => {
    const x = imagesTensor(rows);
    const f = linearRepresenter(weightsF);
    const g = linearRepresenter(weightsG);
    let calls = 0;
    const counting: Augmentation = (images, rng) => {
      calls++;
      return affineAugment(images, rng);
    };
    const o = { pairs: 2, batchSize: 5, seed: 9 };
    const [lf, lg] = await alignmentLosses([f.represent, g.represent], x, counting, o);
    assert.equal(calls, N * 2 * 2);
    assert.deepEqual(lf, await alignmentLoss(f.represent, x, affineAugment, o));
    assert.deepEqual(lg, await alignmentLoss(g.represent, x, affineAugment, o));
    x.dispose();
    f.w.dispose();
    g.w.dispose();
  });

  test('a batch source gives the same result as a tensor, asked for consecutive indices; progress per batch', async () => {
    const x = imagesTensor(rows);
    const { represent, w } = linearRepresenter(weightsF);
    const asked: number[][] = [];
    const source: BatchSource = {
      size: N,
      batch: (indices) => {
        asked.push(Array.from(indices));
        return tf.tidy(() => tf.gather(x, tf.tensor1d(indices, 'int32')) as tf.Tensor4D);
      },
    };
    const progress: Array<[number, number]> = [];
    const o = { pairs: 2, batchSize: 3, seed: 1 };
    const before = tf.memory().numTensors;
    const fromSource = await alignmentLoss(represent, source, affineAugment, { ...o, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(tf.memory().numTensors, before, 'no tensor leak with a batch source');
    assert.deepEqual(asked, [[0, 1, 2], [3, 4, 5], [6]]);
    assert.deepEqual(progress, [[3, 7], [6, 7], [7, 7]]);
    assertClose(fromSource, await alignmentLoss(represent, x, affineAugment, o), 1e-6);
    x.dispose();
    w.dispose();
  });

  test('identity augmentation: zero loss in both modes; empty source: empty result', async () => {
    const x = imagesTensor(rows);
    const { represent, w } = linearRepresenter(weightsF);
    const identity: Augmentation = (images) => images.clone();
    const before = tf.memory().numTensors;
    for (const mode of ['pairs', 'clean'] as const) {
      const l = await alignmentLoss(represent, x, identity, { pairs: 2, mode });
      assert.ok(l.every((v) => Math.abs(v) < 1e-6));
    }
    // An augmentation that (against the contract) returns its input must not free it.
    const l = await alignmentLoss(represent, x, (images) => images, { pairs: 2 });
    assert.ok(l.every((v) => v === 0));
    assert.equal(x.isDisposed, false);
    assert.equal(tf.memory().numTensors, before);
    const empty = await alignmentLoss(represent, { size: 0, batch: () => { throw new Error('not called'); } }, identity);
    assert.equal(empty.length, 0);
    x.dispose();
    w.dispose();
  });

  test('invalid input -> InputError, without leaking tensors', async () => {
    const x = imagesTensor(rows);
    const { represent, w } = linearRepresenter(weightsF);
    const before = tf.memory().numTensors;
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
      ['pairs 0', { pairs: 0 }, /options\.pairs: expected an integer >= 1, found 0/],
      ['pairs 1.5', { pairs: 1.5 }, /options\.pairs/],
      ['batchSize', { batchSize: -2 }, /options\.batchSize/],
      ['seed', { seed: 0.5 }, /options\.seed/],
      ['mode', { mode: 'views' }, /options\.mode: expected one of pairs, clean, found views/],
      ['normalize', { normalize: 1 }, /options\.normalize/],
    ];
    for (const [, options, message] of bad) {
      await assert.rejects(alignmentLoss(represent, x, affineAugment, options), (e: unknown) => e instanceof InputError && message.test(e.message));
    }
    // Representer with the wrong output shape.
    await assert.rejects(
      alignmentLoss((v) => tf.reshape(v, [-1, 2]) as tf.Tensor2D, x, affineAugment, { pairs: 1 }),
      (e: unknown) => e instanceof InputError && /representer output: expected a 2-D tensor \[7, dim\]/.test(e.message),
    );
    // Augmentation changing the shape.
    await assert.rejects(
      alignmentLoss(represent, x, (v) => tf.slice(v, [0, 0, 0, 0], [-1, 1, -1, -1]), { pairs: 1 }),
      (e: unknown) => e instanceof InputError && /augment output/.test(e.message),
    );
    // Batch source returning the wrong number of images.
    await assert.rejects(
      alignmentLoss(represent, { size: 4, batch: () => tf.zeros([2, ...SHAPE]) as tf.Tensor4D }, affineAugment),
      (e: unknown) => e instanceof InputError && /images\.batch\(indices 0\.\.3\)/.test(e.message),
    );
    await assert.rejects(alignmentLoss(represent, tf.zeros([3, 4]) as never, affineAugment), InputError);
    await assert.rejects(alignmentLoss(represent, tf.cast(x, 'int32') as tf.Tensor4D, affineAugment), /float32/);
    assert.equal(tf.memory().numTensors, before + 2, 'only the two tensors made in this test body remain');
    x.dispose();
    w.dispose();
  });
});

describe('views keyed by the point', () => {
  const ds = {
    name: 'tiny', source: 'train', shape: SHAPE, numClasses: 1,
    images: Uint8Array.from({ length: 9 * 12 }, (_, i) => (i * 53) % 256), labels: new Int32Array(9),
  };
  const rowsOf = (ids: number[]): Float32Array[] => ids.map((id) => Float32Array.from(ds.images.subarray(id * 12, (id + 1) * 12), (v) => v / 255));

  test('a point scores the same alone, inside any set, at any position and batch size', async () => {
    const { represent, w } = linearRepresenter(weightsF);
    const o = { pairs: 3, seed: 4 };
    const [alone] = await alignmentLoss(represent, datasetSource(ds, [5]), affineAugment, { ...o, batchSize: 1 });
    const sets: Array<[number[], number]> = [[[0, 5, 8], 2], [[8, 7, 6, 5, 4], 4], [[5, 1], 1], [[1, 2, 3, 4, 5, 6, 7, 8], 3]];
    for (const [ids, batchSize] of sets) {
      const got = await alignmentLoss(represent, datasetSource(ds, ids), affineAugment, { ...o, batchSize });
      assert.equal(got[ids.indexOf(5)], alone, `point 5 inside [${ids}] with batch size ${batchSize}`);
    }
    // And it is the documented per-point estimate (views from scoringViewRng(seed, 'train/5', ...)).
    assertClose([alone], naiveAlignmentLoss(weightsF, rowsOf([5]), { ...o, normalize: true, mode: 'pairs', keys: ['train/5'] }), 1e-5);
    w.dispose();
  });

  test('different points get independent views, also at the same position of different sets', async () => {
    const seen: number[][] = [];
    const record: Augmentation = (images, rng) => {
      const view = affineAugment(images, rng);
      seen.push(Array.from(view.dataSync()));
      return view;
    };
    const { represent, w } = linearRepresenter(weightsF);
    // Two sets, same size and batch size: position i of one and of the other are different points.
    await alignmentLoss(represent, datasetSource(ds, [0, 1, 2]), record, { pairs: 1, batchSize: 3 });
    const first = seen.splice(0);
    await alignmentLoss(represent, datasetSource({ ...ds, images: new Uint8Array(ds.images.length).fill(128) }, [3, 4, 5]), record, { pairs: 1, batchSize: 3 });
    // The constant images show the affine parameters directly: (128/255) * s + u per point.
    const params = seen.map((v) => v[0]);
    assert.equal(new Set(params).size, params.length, 'every view of every point has its own parameters');
    assert.equal(first.length, 6);
    w.dispose();
  });

  test('a dataset source names points by split and id; a subset keeps the original ids', () => {
    const source = datasetSource(ds, [7, 2]);
    assert.deepEqual([source.pointKey?.(0), source.pointKey?.(1)], ['train/7', 'train/2']);
    assert.equal(datasetSource({ ...ds, source: 'test' }, [7]).pointKey?.(0), 'test/7');
    const sub = { ...ds, images: ds.images.slice(12 * 3), labels: new Int32Array(6), ids: Int32Array.of(3, 4, 5, 6, 7, 8) };
    assert.equal(datasetSource(sub, [1]).pointKey?.(0), 'train/4');
  });
});

describe('datasetSource', () => {
  test('maps source indices through `indices` and scales bytes to [0, 1]', async () => {
    
    const ds = {
      name: 'tiny', source: 'train', shape: [1, 2, 1] as const, numClasses: 2,
      images: Uint8Array.of(0, 255, 10, 20, 30, 40), labels: Int32Array.of(0, 1, 0),
    };
    const all = datasetSource(ds);
    assert.equal(all.size, 3);
    const sub = datasetSource(ds, [2, 0]);
    assert.equal(sub.size, 2);
    const t = sub.batch(Int32Array.of(1, 0));
    assert.deepEqual(Array.from(t.dataSync()), [0, 1, 30 / 255, 40 / 255].map((v) => Math.fround(v)));
    t.dispose();
    assert.throws(() => datasetSource(ds, [0, 3]), (e: unknown) => e instanceof InputError && /indices\[1\]: expected an integer in \[0, 3\)/.test(e.message));
  });
});
