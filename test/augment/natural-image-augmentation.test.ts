import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import {
  colorJitter,
  compose,
  gaussianBlur,
  horizontalFlip,
  naturalImageAugmentation,
  randomGrayscale,
  randomResizedCrop,
} from '../../src/augment';
import { assertRejects, assertSameValues, maxAbsDiff, randomImages, useCpu } from './helpers';

describe('naturalImageAugmentation', () => {
  before(useCpu);

  test('is crop, flip, jitter (0.8, 0.8, 0.8, 0.2; p 0.8), grayscale (p 0.2) in that order', () => {
    const images = randomImages(6, 12, 12, 3);
    const out = naturalImageAugmentation()(images, createRng(4));
    const expected = compose([
      randomResizedCrop({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }),
      horizontalFlip({ p: 0.5 }),
      colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 0.8 }),
      randomGrayscale({ p: 0.2 }),
    ])(images, createRng(4));
    assertSameValues(out, expected);
    assert.ok(maxAbsDiff(out, images) > 0.2);
    tf.dispose([images, out, expected]);
  });

  test('stages turn off with null, blur turns on, overrides merge', () => {
    const images = randomImages(4, 8, 8, 3);
    const none = naturalImageAugmentation({ crop: null, flip: null, colorJitter: null, grayscale: null })(images, createRng(1));
    assertSameValues(none, images);
    const custom = naturalImageAugmentation({ crop: null, flip: null, grayscale: null, colorJitter: { p: 1 }, blur: { p: 1 } })(images, createRng(2));
    const expected = compose([
      colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 1 }),
      gaussianBlur({ p: 1 }),
    ])(images, createRng(2));
    assertSameValues(custom, expected);
    tf.dispose([images, none, custom, expected]);
  });

  test('unknown stages and bad options are rejected with their path', () => {
    assertRejects(() => naturalImageAugmentation({ erasing: {} } as never), 'options.erasing');
    assertRejects(() => naturalImageAugmentation({ colorJitter: { hue: 0.7 } }), 'options.hue');
    assertRejects(() => naturalImageAugmentation({ flip: { prob: 1 } as never }), 'options.flip.prob');
  });
});
