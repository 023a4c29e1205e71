import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { ImageDataset } from '../../src/data/dataset';
import { loadDataset } from '../../src/data/load-dataset';
import { createEncoder } from '../../src/encoders/create-encoder';
import type { Encoder, EncoderConfig } from '../../src/encoders/encoder';
import {
  bilinearUpsampleMatrix,
  constantBackgroundMiou,
  digitCanvases,
  meanIoU,
  resampleWeights,
  segmentationTask,
  spatialFeatures,
  trainSegmentationDecoder,
  type DigitCanvases,
} from '../../src/eval/segmentation';
import { InputError } from '../../src/util/errors';

let mnist: ImageDataset;
before(async () => {
  await tf.setBackend('cpu');
  mnist = (await loadDataset('mnist')).test;
});

const range = (from: number, to: number): Int32Array => Int32Array.from({ length: to - from }, (_, i) => from + i);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Runs `fn` and checks that it leaves no tensor behind. */
async function noLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  assert.equal(tf.memory().numTensors, before, 'no tensor leak');
  return result;
}

/** Per cell the fraction of each mask class in its block of pixels: features that say everything a 7x7 grid can. */
function oracleFeatures(c: DigitCanvases, grid: number): tf.Tensor4D {
  const n = c.masks.length / (c.height * c.width);
  const f = new Float32Array(n * grid * grid * c.numClasses);
  const cy = c.height / grid;
  const cx = c.width / grid;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const cell = Math.floor(y / cy) * grid + Math.floor(x / cx);
        f[(i * grid * grid + cell) * c.numClasses + c.masks[(i * c.height + y) * c.width + x]] += 1 / (cy * cx);
      }
    }
  }
  return tf.tensor4d(f, [n, grid, grid, c.numClasses]);
}

describe('resampleWeights and bilinearUpsampleMatrix', () => {
  test('rows sum to 1; area halving averages pairs; bilinear equals tf.image.resizeBilinear with half-pixel centres', () => {
    for (const method of ['area', 'bilinear'] as const) {
      for (const [from, to] of [[28, 14], [28, 10], [7, 28], [5, 5]]) {
        const w = resampleWeights(from, to, method);
        for (let t = 0; t < to; t++) {
          const sum = w.subarray(t * from, (t + 1) * from).reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(sum - 1) < 1e-12, `${method} ${from}->${to} row ${t}`);
        }
      }
    }
    const area = resampleWeights(4, 2, 'area');
    assert.deepEqual(Array.from(area), [0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5]);
    tf.tidy(() => {
      const x = tf.randomNormal([2, 7, 5, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const expected = tf.image.resizeBilinear(x, [28, 20], false, true);
      // The matrix acts on [cells, ...] -> [pixels, ...]: move the batch and channels last.
      const byCell = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [35, 6]);
      const up = tf.transpose(tf.reshape(tf.matMul(bilinearUpsampleMatrix(7, 5, 28, 20), byCell), [28, 20, 2, 3]), [2, 0, 1, 3]);
      assertClose(up.dataSync(), expected.dataSync(), 1e-5, 'upsampled');
    });
  });
});

describe('digitCanvases', () => {
  test('deterministic; seeds differ; ids recorded, each used once by default; masks consistent with pixels', () => {
    const ids = range(100, 400);
    const a = digitCanvases(mnist, ids, { seed: 3 });
    const b = digitCanvases(mnist, ids, { seed: 3 });
    assert.deepEqual(a, b);
    const other = digitCanvases(mnist, ids, { seed: 4 });
    assert.notDeepEqual(other.images.images, a.images.images);
    const n = 100; // 300 ids / 3 digits
    assert.equal(a.images.labels.length, n);
    assert.deepEqual(a.images.shape, [28, 28, 1]);
    assert.equal(a.masks.length, n * 28 * 28);
    assert.equal(a.numClasses, 11);
    assert.deepEqual([a.height, a.width, a.digitsPerCanvas], [28, 28, 3]);
    assert.deepEqual(Array.from(a.sourceIds).sort((x, y) => x - y), Array.from(ids), 'each id drawn exactly once');
    for (let s = 0; s < a.sourceIds.length; s++) assert.equal(a.digitLabels[s], mnist.labels[a.sourceIds[s]]);
    const limit = 0.25 * 255;
    let foreground = 0;
    for (let i = 0; i < n; i++) {
      const counts = new Array(10).fill(0);
      for (let p = 0; p < 784; p++) {
        const m = a.masks[i * 784 + p];
        const v = a.images.images[i * 784 + p];
        assert.equal(m > 0, v > limit, `canvas ${i} pixel ${p}: mask ${m}, byte ${v}`);
        if (m === 0) continue;
        foreground++;
        counts[m - 1]++;
        // The labelled digit covers the pixel and is the brightest there.
        const y = Math.floor(p / 28);
        const x = p % 28;
        const covering = [0, 1, 2].filter((j) => {
          const s = i * 3 + j;
          const [top, left] = [a.positions[2 * s], a.positions[2 * s + 1]];
          return y >= top && y < top + 14 && x >= left && x < left + 14;
        });
        assert.ok(covering.some((j) => a.digitLabels[i * 3 + j] === m - 1), `canvas ${i} pixel ${p}: a digit of class ${m - 1} covers it`);
      }
      const dominant = counts.indexOf(Math.max(...counts));
      assert.equal(a.images.labels[i], dominant, 'label: the dominant class');
    }
    const fraction = foreground / a.masks.length;
    assert.ok(fraction > 0.08 && fraction < 0.35, `foreground fraction ${fraction}`);
    for (const p of a.positions) assert.ok(p >= 0 && p <= 14);
  });

  test('hand-made digits: placement, compositing by maximum, label of the brightest digit', () => {
    // Two 2x2 "digits": class 0 all 200, class 1 all 100, resampled to themselves.
    const source: ImageDataset = { name: 'toy', source: 'test', shape: [2, 2, 1], images: Uint8Array.from([200, 200, 200, 200, 100, 100, 100, 100]), labels: Int32Array.from([0, 1]), numClasses: 2 };
    const c = digitCanvases(source, [0, 1], { height: 3, width: 3, digitSize: 2, digitsPerCanvas: 2, count: 5, threshold: 0.3, seed: 1 });
    assert.equal(c.numClasses, 3);
    for (let i = 0; i < 5; i++) {
      const expected = new Uint8Array(9);
      const mask = new Uint8Array(9);
      for (let j = 0; j < 2; j++) {
        const s = i * 2 + j;
        const value = c.digitLabels[s] === 0 ? 200 : 100;
        for (let y = 0; y < 2; y++) {
          for (let x = 0; x < 2; x++) {
            const p = (c.positions[2 * s] + y) * 3 + c.positions[2 * s + 1] + x;
            if (value > expected[p]) {
              expected[p] = value;
              mask[p] = 1 + c.digitLabels[s];
            }
          }
        }
      }
      assert.deepEqual(c.images.images.subarray(i * 9, (i + 1) * 9), expected, `canvas ${i}`);
      assert.deepEqual(c.masks.subarray(i * 9, (i + 1) * 9), mask, `mask ${i}`);
    }
    // Threshold above 100/255: the class-1 digit is background.
    const high = digitCanvases(source, [1], { height: 3, width: 3, digitSize: 2, digitsPerCanvas: 1, threshold: 0.5 });
    assert.ok(high.masks.every((m) => m === 0));
  });

  test('bilinear resampling and larger canvases; bad input is an InputError', () => {
    const c = digitCanvases(mnist, range(0, 20), { resize: 'bilinear', digitSize: 20, height: 40, width: 36, count: 4 });
    assert.deepEqual(c.images.shape, [40, 36, 1]);
    assert.equal(c.masks.length, 4 * 40 * 36);
    for (const p of c.positions) assert.ok(p >= 0 && p <= 20);
    assert.throws(() => digitCanvases(mnist, [0], { digitSize: 30 }), InputError);
    assert.throws(() => digitCanvases(mnist, [0], { digitsPerCanvas: 0 }), InputError);
    assert.throws(() => digitCanvases(mnist, [0], { colour: 1 } as never), InputError);
    assert.throws(() => digitCanvases(mnist, [0], { threshold: 1 }), InputError);
    assert.throws(() => digitCanvases(mnist, [10000]), InputError);
    assert.throws(() => digitCanvases(mnist, []), InputError);
  });
});

describe('meanIoU', () => {
  test('perfect prediction: 1; constant background: background share / classes present', () => {
    const truth = Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 2]);
    const perfect = meanIoU(truth.slice(), truth, 4);
    assert.equal(perfect.miou, 1);
    assert.equal(perfect.pixelAccuracy, 1);
    assert.deepEqual(perfect.perClass.slice(0, 3), [1, 1, 1]);
    assert.ok(Number.isNaN(perfect.perClass[3]), 'class 3 is in neither: no IoU');
    const background = meanIoU(new Uint8Array(8), truth, 4);
    assert.ok(Math.abs(background.miou - 5 / 8 / 3) < 1e-12);
    assert.equal(background.pixelAccuracy, 5 / 8);
    assert.equal(constantBackgroundMiou(truth), background.miou);
  });

  test('a hand-computed case; a class only predicted counts with IoU 0', () => {
    const truth = Uint8Array.from([0, 0, 1, 1, 2, 2]);
    const predicted = Uint8Array.from([0, 1, 1, 1, 2, 3]);
    const r = meanIoU(predicted, truth, 4);
    // class 0: TP 1, union 2; class 1: TP 2, union 3; class 2: TP 1, union 2; class 3: TP 0, union 1.
    assert.deepEqual(r.perClass, [1 / 2, 2 / 3, 1 / 2, 0]);
    assert.ok(Math.abs(r.miou - (1 / 2 + 2 / 3 + 1 / 2 + 0) / 4) < 1e-12);
    assert.equal(r.pixelAccuracy, 4 / 6);
    assert.throws(() => meanIoU(predicted, truth, 3), InputError);
    assert.throws(() => meanIoU(predicted.subarray(1), truth, 4), InputError);
  });
});

/** Small encoders on 28x28x1. */
const configs: Record<string, EncoderConfig> = {
  cnn: { kind: 'cnn', inputShape: [28, 28, 1], widths: [4, 8], outDim: 6 },
  resnet: { kind: 'resnet', inputShape: [28, 28, 1], widths: [4, 8], blocks: [1, 1] },
  vit: { kind: 'vit', inputShape: [28, 28, 1], patchSize: 7, dim: 8, depth: 2, heads: 2, mlpRatio: 2 },
  vitMean: { kind: 'vit', inputShape: [28, 28, 1], patchSize: 7, dim: 8, depth: 1, heads: 2, mlpRatio: 2, pool: 'mean' },
  mlp: { kind: 'mlp', inputShape: [28, 28, 1], hidden: [16], outDim: 5 },
};

describe('spatialFeatures', () => {
  const canvases = () => digitCanvases(mnist, range(0, 15), { seed: 2 });

  test('shapes and sources: cnn and resnet maps, vit tokens, mlp windows; no leaks', async () => {
    const c = canvases();
    const expected: Record<string, { shape: number[]; how: string; layer: string | null }> = {
      cnn: { shape: [5, 14, 14, 8], how: 'feature-map', layer: 'block2' },
      resnet: { shape: [5, 14, 14, 8], how: 'feature-map', layer: 'stage2' },
      vit: { shape: [5, 4, 4, 8], how: 'tokens', layer: 'block2' },
      vitMean: { shape: [5, 4, 4, 8], how: 'tokens', layer: 'block1' },
      mlp: { shape: [5, 7, 7, 5], how: 'windows', layer: null },
    };
    for (const [name, config] of Object.entries(configs)) {
      const encoder = createEncoder(config);
      const r = await noLeak(() => {
        const out = spatialFeatures(encoder, c.images, { batchSize: 2 });
        out.features.dispose();
        return out;
      });
      assert.deepEqual(r.features.shape, expected[name].shape, name);
      assert.equal(r.how, expected[name].how, name);
      assert.equal(r.layer, expected[name].layer, name);
      encoder.dispose();
    }
  });

  test('values: the map and tokens of applyLayers, the centre window is the image; bytes = tensor; batching does not matter', () => {
    const c = canvases();
    const x = tf.tensor4d(Float32Array.from(c.images.images, (v) => v / 255), [5, 28, 28, 1]);
    for (const name of ['cnn', 'vit', 'mlp']) {
      const encoder = createEncoder(configs[name]);
      const a = spatialFeatures(encoder, x, { batchSize: 5 });
      const b = spatialFeatures(encoder, c.images, { batchSize: 2 });
      assertClose(b.features.dataSync(), a.features.dataSync(), 1e-5, `${name}: bytes in batches of 2 vs one tensor`);
      tf.tidy(() => {
        if (name === 'mlp') {
          // Centre (3, 3) of a 7x7 grid on 28x28 is pixel 14: its window is the image itself.
          const centre = tf.reshape(tf.slice(a.features, [0, 3, 3, 0], [5, 1, 1, 5]), [5, 5]);
          assertClose(centre.dataSync(), encoder.apply(x, false).dataSync(), 1e-5, 'centre window');
          // Corner (0, 0): centre pixel (2, 2), window rows/cols -12 .. 15, zero padded.
          const window = tf.pad(tf.slice(x, [0, 0, 0, 0], [5, 16, 16, 1]), [[0, 0], [12, 0], [12, 0], [0, 0]]) as tf.Tensor4D;
          const corner = tf.reshape(tf.slice(a.features, [0, 0, 0, 0], [5, 1, 1, 5]), [5, 5]);
          assertClose(corner.dataSync(), encoder.apply(window, false).dataSync(), 1e-5, 'corner window');
        } else {
          const layers = encoder.applyLayers!(x, false);
          const layer = layers.find((l) => l.name === a.layer)!.output;
          const expected = name === 'cnn' ? layer : tf.reshape(tf.slice(layer, [0, 1, 0], [5, 16, 8]), [5, 4, 4, 8]);
          assertClose(a.features.dataSync(), expected.dataSync(), 1e-5, `${name} features`);
        }
      });
      tf.dispose([a.features, b.features]);
      encoder.dispose();
    }
    x.dispose();
  });

  test('options: windows for any encoder, a chosen layer, other canvas sizes in windows mode; errors', () => {
    const c = canvases();
    const cnn = createEncoder(configs.cnn);
    const mlp = createEncoder(configs.mlp);
    tf.tidy(() => {
      assert.deepEqual(spatialFeatures(cnn, c.images, { method: 'windows', windowGrid: 4 }).features.shape, [5, 4, 4, 6]);
      const first = spatialFeatures(cnn, c.images, { layer: 'block1' });
      assert.deepEqual([first.how, first.features.shape], ['feature-map', [5, 14, 14, 4]]);
      const hidden = spatialFeatures(mlp, c.images, { layer: 'hidden1' });
      assert.deepEqual([hidden.how, hidden.layer, hidden.features.shape], ['windows', 'hidden1', [5, 7, 7, 16]]);
      const big = digitCanvases(mnist, range(0, 6), { height: 42, width: 35 });
      assert.deepEqual(spatialFeatures(mlp, big.images).features.shape, [2, 7, 7, 5]);
      assert.throws(() => spatialFeatures(cnn, big.images), InputError);
      assert.throws(() => spatialFeatures(cnn, c.images, { layer: 'nope' }), InputError);
      assert.throws(() => spatialFeatures(cnn, c.images, { layer: 'block1', method: 'windows' }), InputError);
      assert.throws(() => spatialFeatures(cnn, c.images, { batchSize: 0 }), InputError);
      assert.throws(() => spatialFeatures(cnn, { images: new Uint8Array(10), shape: [28, 28, 1] }), InputError);
    });
    cnn.dispose();
    mlp.dispose();
  });
});

describe('trainSegmentationDecoder', () => {
  test('on features that know the mask per cell: well above background; deterministic; no leaks', async (t) => {
    const train = digitCanvases(mnist, range(0, 180), { seed: 5 });
    const testSet = digitCanvases(mnist, range(180, 300), { seed: 6 });
    const fTrain = oracleFeatures(train, 7);
    const fTest = oracleFeatures(testSet, 7);
    const run = () =>
      noLeak(async () => {
        const epochs: number[] = [];
        const { decoder, losses, classWeights } = await trainSegmentationDecoder(fTrain, train, { epochs: 5, hidden: 16, learningRate: 0.03, onEpoch: (e) => epochs.push(e) });
        assert.deepEqual(epochs, [1, 2, 3, 4, 5]);
        assert.equal(classWeights.length, 11);
        assert.ok(classWeights[0] < Math.min(...classWeights.slice(1)), 'background weighs least');
        const predicted = await decoder.predict(fTest, 7);
        const first = tf.slice(fTest, [0, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
        const logits = decoder.logits(first);
        assert.deepEqual(logits.shape, [2, 28, 28, 11]);
        const argmax = tf.argMax(logits, 3);
        assert.deepEqual(Array.from(argmax.dataSync()), Array.from(predicted.subarray(0, 2 * 784)));
        tf.dispose([first, logits, argmax]);
        decoder.dispose();
        return { losses, predicted };
      });
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b, 'same seed, same decoder');
    assert.ok(a.losses[4] < a.losses[0], `losses ${a.losses}`);
    const score = meanIoU(a.predicted, testSet.masks, 11);
    const background = constantBackgroundMiou(testSet.masks);
    t.diagnostic(`oracle features: mIoU ${score.miou.toFixed(3)}, constant background ${background.toFixed(3)}`);
    // 0.41 vs 0.08 seen (the 7x7 grid's resolution limits even perfect cell features to about 0.5).
    assert.ok(score.miou > 0.3 && score.miou > 3 * background, `miou ${score.miou} vs background ${background}`);
    tf.dispose([fTrain, fTest]);
  });

  test('a linear decoder, class weighting none; bad input is an InputError', async () => {
    const train = digitCanvases(mnist, range(0, 30), { seed: 5 });
    const f = oracleFeatures(train, 7);
    await noLeak(async () => {
      const { decoder, classWeights } = await trainSegmentationDecoder(f, train, { hidden: 0, epochs: 1, classWeighting: 'none' });
      assert.equal(decoder.variables.length, 2);
      assert.ok(classWeights.every((w) => w === 0 || w === 1));
      const wrong = tf.zeros([1, 7, 7, 3]) as tf.Tensor4D;
      await assert.rejects(decoder.predict(wrong), InputError);
      assert.throws(() => decoder.logits(wrong), InputError);
      tf.dispose([wrong]);
      decoder.dispose();
    });
    await assert.rejects(trainSegmentationDecoder(f, train, { epochs: -1 }), InputError);
    await assert.rejects(trainSegmentationDecoder(f, train, { classWeighting: 'median' as never }), InputError);
    await assert.rejects(trainSegmentationDecoder(tf.slice(f, [0, 0, 0, 0], [3, -1, -1, -1]) as tf.Tensor4D, train), InputError);
    await assert.rejects(trainSegmentationDecoder(f, { ...train, masks: train.masks.subarray(1) }), InputError);
    f.dispose();
  });
});

describe('segmentationTask', () => {
  test('an MLP encoder through windows: beats constant background, deterministic, no leaks', async (t) => {
    const encoder: Encoder = createEncoder({ kind: 'mlp', inputShape: [28, 28, 1], hidden: [64], outDim: 32, seed: 1 });
    const options = { trainCanvases: 150, testCanvases: 50, decoder: { epochs: 6, hidden: 32, learningRate: 0.02 } };
    const a = await noLeak(() => segmentationTask(encoder, mnist, options));
    assert.equal(a.how, 'windows');
    assert.deepEqual([a.grid, a.featureDim], [[7, 7], 32]);
    assert.equal(a.trainCanvases.images.labels.length, 150);
    assert.equal(a.testCanvases.images.labels.length, 50);
    assert.equal(a.predictions.length, 50 * 784);
    assert.equal(a.perClassIoU.length, 11);
    const half = mnist.labels.length / 2;
    assert.ok(a.trainCanvases.sourceIds.every((id) => id < half), 'training digits from the first half');
    assert.ok(a.testCanvases.sourceIds.every((id) => id >= half), 'test digits from the second half');
    // An untrained 784-64-32 MLP is a weak sliding-window extractor, still above the baseline (0.098 vs 0.079 seen).
    t.diagnostic(`untrained MLP windows: mIoU ${a.miou.toFixed(3)}, constant background ${a.backgroundMiou.toFixed(3)}`);
    assert.ok(a.miou > a.backgroundMiou + 0.01, `miou ${a.miou} vs background ${a.backgroundMiou}`);
    assert.ok(a.seconds > 0 && a.timings.decoder > 0);
    const small = { trainCanvases: 20, testCanvases: 10, decoder: { epochs: 2 } };
    const [b, c] = [await segmentationTask(encoder, mnist, small), await segmentationTask(encoder, mnist, small)];
    assert.equal(c.miou, b.miou, 'same seed, same mIoU');
    assert.deepEqual(c.predictions, b.predictions);
    assert.deepEqual(c.losses, b.losses);
    encoder.dispose();
  });

  test('ids and options are checked', async () => {
    const encoder = createEncoder(configs.mlp);
    await assert.rejects(segmentationTask(encoder, mnist, { trainIds: [1, 2, 3], testIds: [3, 4] }), InputError);
    await assert.rejects(segmentationTask(encoder, mnist, { trainIds: [1, 2.5] }), InputError);
    await assert.rejects(segmentationTask(encoder, mnist, { testIds: [10000] }), InputError);
    await assert.rejects(segmentationTask(encoder, mnist, { trainCanvases: 0 }), InputError);
    await assert.rejects(segmentationTask(encoder, mnist, { canvases: 10 } as never), InputError);
    await assert.rejects(segmentationTask(encoder, mnist, { canvas: { digitSize: 40 } }), InputError);
    const rgb: ImageDataset = { ...mnist, shape: [28, 28, 3] };
    await assert.rejects(segmentationTask(encoder, rgb), InputError);
    // Explicit ids: digits only from those positions.
    const r = await segmentationTask(encoder, mnist, { trainIds: range(0, 60), testIds: range(60, 90), trainCanvases: 10, testCanvases: 5, decoder: { epochs: 1 } });
    assert.ok(r.trainCanvases.sourceIds.every((id) => id < 60));
    assert.ok(r.testCanvases.sourceIds.every((id) => id >= 60 && id < 90));
    encoder.dispose();
  });
});
