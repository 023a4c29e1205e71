import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { horizontalFlip } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, at, randomImages, useCpu } from './helpers';

describe('horizontalFlip', () => {
  before(useCpu);

  test('matches a naive loop with the coins of the same seed', () => {
    const images = randomImages(12, 5, 7, 3);
    const out = horizontalFlip({ p: 0.5 })(images, createRng(4));
    const replay = createRng(4);
    const src = at(images);
    const got = at(out);
    let flipped = 0;
    for (let b = 0; b < 12; b++) {
      const flip = replay.next() < 0.5;
      if (flip) flipped++;
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 7; x++)
          for (let c = 0; c < 3; c++) assert.equal(got(b, y, x, c), src(b, y, flip ? 6 - x : x, c), `image ${b}`);
    }
    assert.ok(flipped > 0 && flipped < 12, 'both outcomes occur');
    tf.dispose([images, out]);
  });

  test('p 0 is the identity, p 1 flips all, and flipping twice restores', () => {
    const images = randomImages(4, 3, 4, 1);
    const none = horizontalFlip({ p: 0 })(images, createRng(1));
    assertSameValues(none, images);
    const all = horizontalFlip({ p: 1 })(images, createRng(1));
    const reversed = tf.reverse(images, 2);
    assertSameValues(all, reversed);
    const back = horizontalFlip({ p: 1 })(all, createRng(2));
    assertSameValues(back, images);
    tf.dispose([images, none, all, reversed, back]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(3, 4, 4, 3);
    assertNoLeak(() => horizontalFlip()(images, createRng(2)));
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => horizontalFlip({ p: 1.5 }), 'options.p');
    assertRejects(() => horizontalFlip({ p: -0.1 }), 'options.p');
    assertRejects(() => horizontalFlip({ p: Number.NaN }), 'options.p');
    assertRejects(() => horizontalFlip({ p: '0.5' as never }), 'options.p');
    assertRejects(() => horizontalFlip({ probability: 0.5 } as never), 'options.probability');
  });
});
