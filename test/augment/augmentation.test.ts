// The contract every augmentation keeps (src/augment/augmentation.ts): same shape and dtype,
// values in [0, 1], deterministic in the rng, input left alone, no tensor leaks.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import {
  colorJitter,
  compose,
  digitAugmentation,
  gaussianBlur,
  gaussianNoise,
  horizontalFlip,
  identity,
  naturalImageAugmentation,
  randomAffine,
  randomApply,
  randomErasing,
  randomGrayscale,
  randomResizedCrop,
  type Augmentation,
} from '../../src/augment';
import { assertNoLeak, assertSameValues, maxAbsDiff, randomImages, useCpu } from './helpers';

const cases: [string, Augmentation, { random: boolean }][] = [
  ['identity', identity, { random: false }],
  ['randomResizedCrop', randomResizedCrop(), { random: true }],
  ['randomAffine', randomAffine(), { random: true }],
  ['horizontalFlip', horizontalFlip(), { random: true }],
  ['colorJitter', colorJitter(), { random: true }],
  ['randomGrayscale', randomGrayscale({ p: 0.5 }), { random: true }],
  ['gaussianBlur', gaussianBlur({ p: 1, kernelSize: 5 }), { random: true }],
  ['gaussianNoise', gaussianNoise(), { random: true }],
  ['randomErasing', randomErasing({ p: 1 }), { random: true }],
  ['randomApply', randomApply(randomAffine(), 0.5), { random: true }],
  ['compose', compose([horizontalFlip(), gaussianNoise({ std: 0.1 })]), { random: true }],
  ['digitAugmentation', digitAugmentation(), { random: true }],
  ['naturalImageAugmentation', naturalImageAugmentation(), { random: true }],
];

describe('augmentation contract', () => {
  before(useCpu);

  for (const [name, aug, { random }] of cases) {
    for (const channels of [1, 3]) {
      test(`${name} on ${channels}-channel images`, () => {
        const images = randomImages(6, 9, 8, channels);
        const copy = images.clone();
        assertNoLeak(() => {
          const a = aug(images, createRng(1));
          const b = aug(images, createRng(1));
          const c = aug(images, createRng(2));
          assert.deepEqual(a.shape, images.shape);
          assert.equal(a.dtype, 'float32');
          const values = a.dataSync();
          for (const v of values) assert.ok(v >= -1e-6 && v <= 1 + 1e-6 && Number.isFinite(v), `value ${v} outside [0, 1]`);
          assertSameValues(a, b, 'same seed, same output');
          // Grayscale leaves one-channel images alone.
          if (random && !(name === 'randomGrayscale' && channels === 1)) assert.ok(maxAbsDiff(a, c) > 1e-3, 'different seed, different output');
          return [a, b, c];
        });
        assert.ok(!images.isDisposed, 'input disposed');
        assertSameValues(images, copy, 'input changed');
        tf.dispose([images, copy]);
      });
    }
  }

  test('the rng advances: two calls on one rng give different views', () => {
    const images = randomImages(4, 8, 8, 3);
    const rng = createRng(5);
    const aug = naturalImageAugmentation();
    const first = aug(images, rng);
    const second = aug(images, rng);
    assert.ok(maxAbsDiff(first, second) > 1e-3);
    tf.dispose([images, first, second]);
  });

  test('a batch of one image works', () => {
    const images = randomImages(1, 8, 8, 3);
    for (const [, aug] of cases) {
      const out = aug(images, createRng(3));
      assert.deepEqual(out.shape, [1, 8, 8, 3]);
      out.dispose();
    }
    images.dispose();
  });

  test('a non-float or non-4-D input is rejected with an InputError naming the images', () => {
    const ints = tf.zeros([2, 4, 4, 1], 'int32') as tf.Tensor4D;
    const flat = tf.zeros([4, 4, 1]) as unknown as tf.Tensor4D;
    for (const [name, aug] of cases) {
      assert.throws(() => aug(ints, createRng(1)), /images: expected dtype float32/, name);
      assert.throws(() => aug(flat, createRng(1)), /images: expected a rank-4 tensor/, name);
    }
    tf.dispose([ints, flat]);
  });
});
