// Every framework, with its defaults, learns on real MNIST: a linear probe on its
// representation beats the same encoder at its random initialisation, and the
// representation has not collapsed (per-dimension std above a floor). MAE is held to its
// own objective: its reconstruction loss falls (at this scale its linear probe is no
// better than the random ViT's; the closing notes of the frameworks give the numbers).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/init-backend';
import { createEncoder } from '../../src/encoders/create-encoder';
import { extractFeatures } from '../../src/eval/extract-features';
import { withObjective, withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData } from '../../src/design/experiment-data';
import { preset } from '../../src/design/presets';
import { probeEncoder } from '../../src/measure/probe-encoder';
import { encoderConfigOf, trainSide } from '../../src/plans/train-side';
import { datasetSource } from '../../src/memorization/image-source';
import { encoderRepresenter } from '../../src/memorization/representer';
import { objectiveNames } from '../../src/methods/registry';

before(async () => {
  await initBackend();
});

/** Smallest per-dimension std of the representation of 500 test images. */
async function minDimensionStd(encoder: Parameters<typeof encoderRepresenter>[0], images: Parameters<typeof datasetSource>[0]): Promise<number> {
  const f = await extractFeatures(encoderRepresenter(encoder), datasetSource(images, Int32Array.from({ length: 500 }, (_, i) => i)));
  return tf.tidy(() => tf.min(tf.sqrt(tf.moments(tf.tensor2d(f.data, [f.rows, f.cols]), 0).variance)).dataSync()[0]);
}

describe('every framework learns on real MNIST with its defaults', () => {
  const base = withOverrides(preset('quick'), {
    split: { trainSize: 1000 },
    train: { epochs: 20, checkpointEpochs: [] },
    probe: { trainSize: 1000, testSize: 1000, epochs: 30 },
  });
  for (const name of objectiveNames) {
    test(name, async (t) => {
      const config = name === base.objective.name ? base : withObjective(base, name);
      const epochs = name === 'mae' ? 6 : config.train.epochs;
      const run = withOverrides(config, { train: { epochs } });
      const data = await loadExperimentData(run);
      const tensorsBefore = tf.memory().numTensors;
      const trained = await trainSide(run, data, 'f', 0);
      const random = createEncoder(encoderConfigOf(run, data.pair.train.shape, 0));
      try {
        const losses = trained.history.array('loss') as number[];
        assert.ok(losses.every(Number.isFinite), `${name}: finite losses`);
        const std = await minDimensionStd(trained.encoder, data.pair.test);
        assert.ok(std > 0.01, `${name}: the representation collapsed (smallest per-dimension std ${std})`);
        const acc = (await probeEncoder(run, data, trained.encoder)).accuracy;
        const accRandom = (await probeEncoder(run, data, random)).accuracy;
        t.diagnostic(`${name}: probe accuracy ${acc.toFixed(3)} (random init ${accRandom.toFixed(3)}), loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)} in ${epochs} epochs, smallest per-dimension std ${std.toFixed(3)}`);
        if (name === 'mae') {
          assert.ok(losses[losses.length - 1] < 0.85 * losses[0], `mae: reconstruction loss ${losses[0]} -> ${losses[losses.length - 1]}`);
        } else {
          assert.ok(acc > accRandom + 0.02, `${name}: probe accuracy ${acc} vs ${accRandom} at random initialisation`);
        }
      } finally {
        random.dispose();
        trained.dispose();
      }
      assert.equal(tf.memory().numTensors, tensorsBefore, `${name}: no tensors left behind`);
    });
  }
});
