import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { augmentEach, digitAugmentation } from '../../src/augment';
import { InputError } from '../../src/util/errors';
import { assertNoLeak, assertSameValues, randomImages, useCpu } from './helpers';

describe('augmentEach', () => {
  before(useCpu);

  test('image i is augmented alone with rngs[i]: its view ignores the rest of the batch', () => {
    const images = randomImages(4, 8, 8, 1);
    const aug = digitAugmentation();
    const rngs = (seeds: number[]) => seeds.map((s) => createRng(s));
    const all = augmentEach(aug, images, rngs([10, 11, 12, 13]));
    assert.deepEqual(all.shape, images.shape);
    for (let i = 0; i < 4; i++) {
      const one = tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]);
      const alone = aug(one, createRng(10 + i));
      assertSameValues(tf.slice(all, [i, 0, 0, 0], [1, -1, -1, -1]), alone);
      tf.dispose([one, alone]);
    }
    // Reversing the batch (and its generators) reverses the views.
    const reversed = augmentEach(aug, tf.reverse(images, 0), rngs([13, 12, 11, 10]));
    assertSameValues(tf.reverse(reversed, 0), all);
    assertNoLeak(() => augmentEach(aug, images, rngs([1, 2, 3, 4])));
    tf.dispose([images, all, reversed]);
  });

  test('one generator per image, else InputError', () => {
    const images = randomImages(3, 4, 4, 1);
    assert.throws(() => augmentEach(digitAugmentation(), images, [createRng(1)]), (e: unknown) => e instanceof InputError && /rngs: expected one generator per image \(3\), found 1/.test(e.message));
    images.dispose();
  });
});
