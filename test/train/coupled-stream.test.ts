import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { Augmentation } from '../../src/augment/augmentation';
import type { Encoder } from '../../src/encoders/encoder';
import { simclr } from '../../src/methods/simclr';
import type { TrainData } from '../../src/train/train-data';
import { trainEncoder } from '../../src/train/train-encoder';
import type { TrainEncoderOptions } from '../../src/train/train-options';
import { InputError } from '../../src/util/errors';
import { tinyEncoder } from './tiny';

before(async () => {
  await tf.setBackend('cpu');
});

// Image `id` is the 4x4 image of constant value id / 100, so a row of what the encoder sees
// tells which image it is (the integer part of 100 x) and which augmentation draw it got.
function images(ids: readonly number[]): TrainData & { ids: readonly number[] } {
  return {
    size: ids.length,
    ids,
    batch: (indices) => tf.tidy(() => tf.tile(tf.tensor4d(Float32Array.from(indices, (i) => ids[i] / 100), [indices.length, 1, 1, 1]), [1, 4, 4, 1]) as tf.Tensor4D),
  };
}

/** Adds one draw in [0, 0.001) per image, in image order. */
const drawPerRow: Augmentation = (batch, rng) => {
  const draws = Float32Array.from({ length: batch.shape[0] }, () => rng.next() / 1000);
  return tf.tidy(() => tf.add(batch, tf.tensor4d(draws, [batch.shape[0], 1, 1, 1])) as tf.Tensor4D);
};

/** A tiny encoder that records, per training call, the first pixel of every row it is given. */
function recording(): { encoder: Encoder; seen: number[][] } {
  const encoder = tinyEncoder();
  const seen: number[][] = [];
  return {
    seen,
    encoder: {
      ...encoder,
      apply: (x, training) => {
        if (training) seen.push(Array.from(tf.tidy(() => tf.slice(tf.reshape(x, [x.shape[0], 16]), [0, 0], [-1, 1]).dataSync())));
        return encoder.apply(x, training);
      },
    },
  };
}

const options: TrainEncoderOptions = { augment: drawPerRow, epochs: 2, batchSize: 5, lr: 0.01, optimizer: { name: 'sgd' }, schedule: 'constant', warmupEpochs: 0, seed: 7 };
const objective = () => simclr({ projector: { hidden: [8], outDim: 4 } });

async function seenBy(data: TrainData): Promise<number[][]> {
  const { encoder, seen } = recording();
  const result = await trainEncoder(encoder, objective(), data, options);
  result.objectiveState.dispose();
  encoder.dispose();
  return seen;
}

describe('coupled training: a stream of slots', () => {
  // A pool of 20 images; g leaves out "fold" {3, 8, 11, 17}; both lay the pool out in the same slots.
  const pool = Array.from({ length: 20 }, (_, i) => i + 1);
  const fold = new Set([4, 9, 12, 18]);
  const kept = pool.filter((id) => !fold.has(id));
  const slotsOf = (ids: readonly number[]) => Int32Array.from(pool, (id) => ids.indexOf(id));

  test('each point both runs train on meets the same batch, row order and augmentation draw; the left-out slots only are missing', async () => {
    const f = await seenBy({ ...images(pool), slots: slotsOf(pool) });
    const g = await seenBy({ ...images(kept), slots: slotsOf(kept) });
    assert.equal(f.length, g.length, 'as many encoder calls (steps x views)');
    let shared = 0;
    f.forEach((rows, call) => {
      const expected = rows.filter((value) => !fold.has(Math.round(value * 100 - 0.05)));
      assert.deepEqual(g[call], expected, `call ${call}: g sees f's rows without the fold's points`);
      shared += expected.length;
    });
    assert.equal(shared, 2 * 2 * kept.length, 'every kept point in both views of both epochs');
  });

  test('without slots the same two runs put the shared points in other batches (the control)', async () => {
    const f = await seenBy(images(pool));
    const g = await seenBy(images(kept));
    const same = f.reduce((n, rows, call) => n + rows.filter((value) => g[call]?.includes(value)).length, 0);
    assert.ok(same < 0.5 * 2 * 2 * kept.length, `${same} rows alike`);
  });

  test('slots that are not a layout of the images are refused before training', async () => {
    const bad = async (slots: number[], message: RegExp) =>
      assert.rejects(trainEncoder(tinyEncoder(), objective(), { ...images([1, 2, 3, 4, 5, 6]), slots: Int32Array.from(slots) }, options), (e: unknown) => e instanceof InputError && message.test(String((e as Error).message)));
    await bad([0, 1, 2, 3, 4, 9], /slots\[5\].*0\.\.5/);
    await bad([0, 1, 2, 3, 4, 4, 5], /slots\[5\].*image 4 again/);
    await bad([0, 1, 2, 3, 4, -1], /none for image 5/);
    await assert.rejects(
      trainEncoder(tinyEncoder(), objective(), { ...images([1, 2, 3, 4, 5, 6]), slots: Int32Array.from([0, 1, 2, 3, 4, 5]) }, { ...options, dp: { clip: 1, epsilon: 8, delta: 1e-5 } } as never),
      /DP-SGD/,
    );
  });
});
