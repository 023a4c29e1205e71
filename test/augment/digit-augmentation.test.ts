import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import {
  compose,
  defaultDigitAugmentationOptions,
  digitAugmentation,
  gaussianNoise,
  randomAffine,
  randomResizedCrop,
} from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, imagesFrom, maxAbsDiff, useCpu } from './helpers';

/** A blocky "digit": a bright bar and a dot on black, 28x28. */
function digits(batch: number): tf.Tensor4D {
  return imagesFrom([batch, 28, 28, 1], (b, y, x) => ((x >= 12 && x < 16 && y >= 6 && y < 22) || (y >= 20 && y < 22 && x >= 8 + b && x < 20) ? 1 : 0));
}

describe('digitAugmentation', () => {
  before(useCpu);

  test('is the affine warp then noise with the preset defaults (no flip)', () => {
    const images = digits(4);
    const out = digitAugmentation()(images, createRng(3));
    const expected = compose([
      randomAffine(defaultDigitAugmentationOptions.affine!),
      gaussianNoise(defaultDigitAugmentationOptions.noise!),
    ])(images, createRng(3));
    assertSameValues(out, expected);
    assert.ok(maxAbsDiff(out, images) > 0.2);
    tf.dispose([images, out, expected]);
  });

  test('stages turn off with null; overrides merge over the preset defaults', () => {
    const images = digits(3);
    const none = digitAugmentation({ affine: null, noise: null })(images, createRng(1));
    assertSameValues(none, images);
    const still = digitAugmentation({ noise: null, affine: { rotation: [0, 0], translateX: [0, 0], translateY: [0, 0], scale: [1, 1] } })(images, createRng(1));
    assertSameValues(still, images);
    const withCrop = digitAugmentation({ crop: { scale: [0.5, 1] }, noise: { std: 0.1 } })(images, createRng(2));
    const expected = compose([
      randomResizedCrop({ scale: [0.5, 1] }),
      randomAffine(defaultDigitAugmentationOptions.affine!),
      gaussianNoise({ ...defaultDigitAugmentationOptions.noise, std: 0.1 }),
    ])(images, createRng(2));
    assertSameValues(withCrop, expected);
    tf.dispose([images, none, still, withCrop, expected]);
  });

  test('keeps the digit mass roughly in place and leaks nothing', () => {
    const images = digits(16);
    assertNoLeak(() => {
      const out = digitAugmentation({ noise: null })(images, createRng(4));
      const sum = (t: tf.Tensor) => Array.from(t.dataSync()).reduce((a, b) => a + b, 0);
      const ratio = sum(out);
      const before = sum(images);
      // Zoom 0.9-1.25 scales the area by 0.8-1.6; bilinear sampling keeps the rest.
      assert.ok(ratio / before > 0.7 && ratio / before < 1.7, `mass ratio ${ratio / before}`);
      return out;
    });
    images.dispose();
  });

  test('unknown stages and options are rejected with their path', () => {
    assertRejects(() => digitAugmentation({ flip: { p: 0.5 } } as never), 'options.flip');
    assertRejects(() => digitAugmentation({ affine: { degrees: 10 } as never }), 'options.affine.degrees');
    assertRejects(() => digitAugmentation({ noise: { std: -1 } }), 'options.std');
    assertRejects(() => digitAugmentation('digits' as never), 'options');
  });
});
