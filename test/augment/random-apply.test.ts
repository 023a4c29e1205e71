import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { randomAffine, randomApply } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, randomImages, useCpu } from './helpers';

describe('randomApply', () => {
  before(useCpu);

  test('chosen images get the augmentation of the chosen sub-batch, the others stay exact', () => {
    const images = randomImages(8, 5, 5, 2);
    const aug = randomAffine({ rotation: [-90, 90] });
    const out = randomApply(aug, 0.5)(images, createRng(12));
    // Replay: one coin per image first, then the augmentation on the chosen images in order.
    const replay = createRng(12);
    const chosen: number[] = [];
    for (let i = 0; i < 8; i++) if (replay.next() < 0.5) chosen.push(i);
    assert.ok(chosen.length > 0 && chosen.length < 8);
    const subset = tf.gather(images, chosen);
    const changed = aug(subset as tf.Tensor4D, replay);
    const size = 5 * 5 * 2;
    const got = out.dataSync();
    const src = images.dataSync();
    const ch = changed.dataSync();
    for (let i = 0; i < 8; i++) {
      const k = chosen.indexOf(i);
      for (let j = 0; j < size; j++) assert.equal(got[i * size + j], k >= 0 ? ch[k * size + j] : src[i * size + j], `image ${i}`);
    }
    tf.dispose([images, out, subset, changed]);
  });

  test('p 0 is the identity, p 1 is the augmentation after the coins', () => {
    const images = randomImages(3, 4, 4, 1);
    const aug = randomAffine();
    const none = randomApply(aug, 0)(images, createRng(1));
    assertSameValues(none, images);
    const all = randomApply(aug, 1)(images, createRng(1));
    const rng = createRng(1);
    for (let i = 0; i < 3; i++) rng.next();
    const expected = aug(images, rng);
    assertSameValues(all, expected);
    tf.dispose([images, none, all, expected]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(6, 4, 4, 3);
    assertNoLeak(() => randomApply(randomAffine(), 0.5)(images, createRng(2)));
    images.dispose();
  });

  test('invalid arguments are rejected with their name', () => {
    assertRejects(() => randomApply(randomAffine(), 1.5), 'randomApply: p');
    assertRejects(() => randomApply(null as never, 0.5), 'randomApply: aug');
  });
});
