import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { randomGrayscale } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, at, randomImages, useCpu } from './helpers';

describe('randomGrayscale', () => {
  before(useCpu);

  test('matches a naive loop with the coins of the same seed', () => {
    const images = randomImages(10, 4, 5, 3);
    const out = randomGrayscale({ p: 0.5 })(images, createRng(8));
    const replay = createRng(8);
    const src = at(images);
    const got = at(out);
    let grey = 0;
    for (let b = 0; b < 10; b++) {
      const turn = replay.next() < 0.5;
      if (turn) grey++;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 5; x++) {
          const luma = 0.299 * src(b, y, x, 0) + 0.587 * src(b, y, x, 1) + 0.114 * src(b, y, x, 2);
          for (let c = 0; c < 3; c++) {
            const expected = turn ? luma : src(b, y, x, c);
            assert.ok(Math.abs(got(b, y, x, c) - expected) < 1e-6, `image ${b}`);
          }
        }
    }
    assert.ok(grey > 0 && grey < 10, 'both outcomes occur');
    tf.dispose([images, out]);
  });

  test('p 0 and one-channel images are left exactly alone', () => {
    const rgb = randomImages(4, 3, 3, 3);
    const gray = randomImages(4, 3, 3, 1);
    const a = randomGrayscale({ p: 0 })(rgb, createRng(1));
    const b = randomGrayscale({ p: 1 })(gray, createRng(1));
    assertSameValues(a, rgb);
    assertSameValues(b, gray);
    tf.dispose([rgb, gray, a, b]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(3, 4, 4, 3);
    assertNoLeak(() => randomGrayscale({ p: 0.5 })(images, createRng(2)));
    images.dispose();
  });

  test('bad options and bad channel counts are rejected', () => {
    assertRejects(() => randomGrayscale({ p: 2 }), 'options.p');
    const twoChannels = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    assertRejects(() => randomGrayscale()(twoChannels, createRng(1)), 'images');
    twoChannels.dispose();
  });
});
