// The segmentation task on a real, briefly SimCLR-trained encoder. Runs on the backend
// `initBackend()` picks (wasm here, as the experiment tests do): on the pure-JS cpu backend the
// SimCLR training alone would take minutes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { augmentationFromConfig } from '../../src/augment/augmentation-from-config';
import { initBackend } from '../../src/backend';
import type { DatasetPair } from '../../src/data/dataset';
import { loadDataset } from '../../src/data/load-dataset';
import { createEncoder } from '../../src/encoders/create-encoder';
import { segmentationTask } from '../../src/eval/segmentation';
import { datasetSource } from '../../src/memorization/image-source';
import { createObjective } from '../../src/methods/registry';
import { trainEncoder } from '../../src/train/train-encoder';

let mnist: DatasetPair;
before(async () => {
  await initBackend();
  mnist = await loadDataset('mnist');
});

describe('segmentationTask on a trained encoder', () => {
  test('a small CNN trained briefly with SimCLR on 512 MNIST images: mIoU well above constant background', async (t) => {
    const encoder = createEncoder({ kind: 'cnn', inputShape: [28, 28, 1], widths: [16, 32], outDim: 32, seed: 1 });
    const before = tf.memory().numTensors;
    const objective = createObjective({ name: 'simclr', projector: { hidden: [64], outDim: 32 } });
    const train = datasetSource(mnist.train, Int32Array.from({ length: 512 }, (_, i) => i));
    const started = performance.now();
    const { history, objectiveState } = await trainEncoder(encoder, objective, train, {
      augment: augmentationFromConfig({ preset: 'digits' }),
      epochs: 5,
      batchSize: 64,
      lr: 3e-3,
      seed: 1,
    });
    objectiveState.dispose();
    const trainSeconds = (performance.now() - started) / 1000;
    const losses = history.array('loss') as number[];
    assert.ok(losses[losses.length - 1] < losses[0], `SimCLR loss ${losses}`);

    // Digits of MNIST test images: canvases for the decoder from the first half, scored on the second.
    const r = await segmentationTask(encoder, mnist.test, { trainCanvases: 600, testCanvases: 300 });
    t.diagnostic(
      `SimCLR ${trainSeconds.toFixed(1)} s; task ${r.seconds.toFixed(1)} s (${r.how} ${r.layer} ${r.grid.join('x')}x${r.featureDim}): ` +
        `mIoU ${r.miou.toFixed(3)} vs constant background ${r.backgroundMiou.toFixed(3)}, pixel accuracy ${r.pixelAccuracy.toFixed(3)}`,
    );
    assert.equal(r.how, 'feature-map');
    assert.ok(r.miou > 2 * r.backgroundMiou, `mIoU ${r.miou} vs background ${r.backgroundMiou}`);
    assert.ok(r.perClassIoU.slice(1).every((iou) => iou > 0), `every digit class found: ${r.perClassIoU}`);
    encoder.dispose();
    assert.equal(tf.memory().numTensors, before - encoder.variables.length - encoder.state.length, 'only the encoder was left, now disposed');
  });
});
