import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/backend';
import { createEncoder } from '../../../src/encoders/create-encoder';
import type { Encoder } from '../../../src/encoders/encoder';
import { withOverrides } from '../../../src/design/experiment-config';
import { loadExperimentData } from '../../../src/design/experiment-data';
import { preset } from '../../../src/design/presets';
import { knnAccuracy } from '../../../src/eval/knn';
import type { FeatureMatrix } from '../../../src/eval/feature-matrix';
import { evaluateDownstream } from '../../../src/measure/downstream-tasks';
import type { DownstreamContext, DownstreamTaskDef } from '../../../src/measure/downstream/downstream-task-def';
import { fewLabelAccuracy } from '../../../src/measure/downstream/few-label-accuracy';
import { fewLabelKnnDownstream } from '../../../src/measure/downstream/few-label-knn';
import { fewLabelProbeDownstream } from '../../../src/measure/downstream/few-label-probe';
import type { ProbeFeatures } from '../../../src/measure/downstream/probe-features';
import { encoderConfigOf } from '../../../src/plans/train-side';
import { InputError } from '../../../src/util/errors';
import { createRng } from '../../../src/util/rng';

const config = withOverrides(preset('quick', 'synthetic'), {
  split: { trainSize: 80, extraSize: 40 },
  encoder: { hidden: [16], outDim: 8 },
  train: { epochs: 1, batchSize: 16, checkpointEpochs: [] },
  probe: { trainSize: 80, testSize: 40, epochs: 5 },
});
let encoder: Encoder;
before(async () => {
  await initBackend();
  const data = await loadExperimentData(config);
  encoder = createEncoder(encoderConfigOf(config, data.pair.train.shape, 1));
});
after(() => encoder.dispose());

/**
 * Gaussian clusters: `perClass` rows of each of 4 classes, class c centred at `spread` on
 * axis c of 8 (unit noise), in a seeded order.
 */
function clusters(perClass: number, spread: number, seed: number): { x: FeatureMatrix; y: number[] } {
  const rng = createRng(seed);
  const classes = 4;
  const cols = 8;
  const n = perClass * classes;
  const order = rng.permutation(n);
  const data = new Float32Array(n * cols);
  const y: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = order[i] % classes;
    y[i] = c;
    for (let j = 0; j < cols; j++) data[i * cols + j] = rng.normal() + (j === c ? spread : 0);
  }
  return { x: { data, rows: n, cols }, y };
}

function featuresOf(spread: number): ProbeFeatures {
  const train = clusters(20, spread, 1);
  const test = clusters(50, spread, 2);
  return { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y, numClasses: 4 };
}

/** A context whose shared probe features are `x` (the task computes none of its own). */
function contextOf<S>(x: ProbeFeatures, settings: S): DownstreamContext<S> {
  return { config, pair: undefined as never, settings, shared: async <T>() => x as unknown as T };
}

function evaluate<S>(def: DownstreamTaskDef<S>, x: ProbeFeatures, settings: S): Promise<number> {
  return def.evaluate(encoder, contextOf(x, settings));
}

describe('few-label tasks on a tiny synthetic config', () => {
  test('accuracies in [0, 1], the same under the same seed, sharing the probe features with probe and kNN', async () => {
    const numTensors = tf.memory().numTensors;
    let calls = 0;
    const counting: Encoder = Object.assign(Object.create(encoder) as Encoder, {
      apply: (images: tf.Tensor4D, training: boolean) => {
        calls++;
        return encoder.apply(images, training);
      },
    });
    const settings = { 'few-label-probe': { perClass: 3, draws: 2, epochs: 20 }, 'few-label-knn': { perClass: 3, draws: 2, k: 20 } };
    await evaluateDownstream(config, counting, ['knn']);
    const once = calls;
    calls = 0;
    const a = await evaluateDownstream(config, counting, ['probe', 'knn', 'few-label-probe', 'few-label-knn'], settings);
    assert.equal(calls, once, "the four tasks extract the probe's features once");
    for (const t of ['few-label-probe', 'few-label-knn'] as const) {
      const v = a[t]!;
      assert.ok(v >= 0 && v <= 1, `${t} ${v}`);
    }
    const b = await evaluateDownstream(config, encoder, ['few-label-probe', 'few-label-knn'], settings);
    assert.equal(b['few-label-probe'], a['few-label-probe']);
    assert.equal(b['few-label-knn'], a['few-label-knn']);
    assert.equal(tf.memory().numTensors, numTensors);
  });

  test('settings out of range are refused, naming the field', async () => {
    const refused = (task: 'few-label-probe' | 'few-label-knn', settings: object, field: string, pattern: RegExp) =>
      assert.rejects(
        evaluateDownstream(config, encoder, [task], { [task]: settings }),
        (e: unknown) => e instanceof InputError && e.where === `${task} settings.${field}` && pattern.test(e.message),
        `${task} ${JSON.stringify(settings)}`,
      );
    // 80 training points of 4 classes: no class has 80, so 80 per class is above the smallest.
    await refused('few-label-probe', { perClass: 80, draws: 1, epochs: 5 }, 'perClass', /smallest class count among the 80 rows/);
    await refused('few-label-knn', { perClass: 80, draws: 1, k: 5 }, 'perClass', /smallest class count among the 80 rows/);
    await refused('few-label-probe', { perClass: 0, draws: 1, epochs: 5 }, 'perClass', /an integer >= 1/);
    await refused('few-label-probe', { perClass: 2, draws: 0, epochs: 5 }, 'draws', /an integer from 1 to 100/);
    await refused('few-label-probe', { perClass: 2, draws: 101, epochs: 5 }, 'draws', /an integer from 1 to 100/);
    await refused('few-label-probe', { perClass: 2, draws: 2, epochs: 0 }, 'epochs', /an integer >= 1/);
    await refused('few-label-knn', { perClass: 2, draws: 2, k: 0 }, 'k', /an integer >= 1/);
  });
});

describe('few-label accuracy on synthetic features', () => {
  test('on separable clusters the few-label probe and kNN beat chance (0.25) clearly', async () => {
    const x = featuresOf(4);
    const probe = await evaluate(fewLabelProbeDownstream, x, { perClass: 10, draws: 3, epochs: 100 });
    const knn = await evaluate(fewLabelKnnDownstream, x, { perClass: 10, draws: 3, k: 20 });
    assert.ok(probe > 0.8, `probe ${probe}`);
    assert.ok(knn > 0.8, `knn ${knn}`);
    // Shuffled labels: the same tasks near chance, so the margin above is the features'.
    const shuffled = { ...x, yTrain: Array.from(createRng(5).permutation(x.yTrain.length), (i) => x.yTrain[i]) };
    assert.ok((await evaluate(fewLabelProbeDownstream, shuffled, { perClass: 10, draws: 3, epochs: 100 })) < 0.5);
  });

  test('the mean is over `draws` draws: draw 0 alone differs from the mean of three, which is their average', async () => {
    const x = featuresOf(0.8);
    const classify = async (xTrain: FeatureMatrix, yTrain: number[]) => (await knnAccuracy(xTrain, yTrain, x.xTest, x.yTest, { k: 1, numClasses: 4 })).accuracy;
    const one = await fewLabelAccuracy(x, classify, { perClass: 2, draws: 1, seed: 0 });
    const three = await fewLabelAccuracy(x, classify, { perClass: 2, draws: 3, seed: 0 });
    assert.equal(three.accuracies.length, 3);
    assert.equal(three.accuracies[0], one.mean, 'draw 0 is the same labelled draw');
    assert.ok(new Set(three.accuracies).size > 1, `draws differ: ${three.accuracies}`);
    assert.ok(Math.abs(three.mean - (three.accuracies[0] + three.accuracies[1] + three.accuracies[2]) / 3) < 1e-12);
    assert.notEqual(three.mean, one.mean);
    // Through the tasks: draws 1 and 3 give different numbers.
    const probe1 = await evaluate(fewLabelProbeDownstream, x, { perClass: 2, draws: 1, epochs: 50 });
    const probe3 = await evaluate(fewLabelProbeDownstream, x, { perClass: 2, draws: 3, epochs: 50 });
    assert.notEqual(probe1, probe3);
    const knn1 = await evaluate(fewLabelKnnDownstream, x, { perClass: 2, draws: 1, k: 3 });
    const knn3 = await evaluate(fewLabelKnnDownstream, x, { perClass: 2, draws: 3, k: 3 });
    assert.notEqual(knn1, knn3);
  });

  test("k above the labelled count is capped at it (the kNN of all labelled rows)", async () => {
    const x = featuresOf(0.8);
    const capped = await evaluate(fewLabelKnnDownstream, x, { perClass: 2, draws: 2, k: 50 });
    const all = await evaluate(fewLabelKnnDownstream, x, { perClass: 2, draws: 2, k: 8 });
    assert.equal(capped, all);
  });
});
