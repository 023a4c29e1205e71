import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { digitAugmentation, multiView } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, maxAbsDiff, randomImages, useCpu } from './helpers';

describe('multiView', () => {
  before(useCpu);
  const aug = digitAugmentation();

  test('view k is aug(images, createRng(k-th uint32 of rng)); rng advances by n draws', () => {
    const images = randomImages(4, 10, 10, 1);
    const rng = createRng(5);
    const views = multiView(aug, images, 3, rng);
    assert.equal(views.length, 3);
    const replay = createRng(5);
    const seeds = [replay.uint32(), replay.uint32(), replay.uint32()];
    views.forEach((view, k) => {
      const expected = aug(images, createRng(seeds[k]));
      assertSameValues(view, expected);
      expected.dispose();
    });
    assert.equal(rng.uint32(), replay.uint32(), 'the rng advanced by exactly n draws');
    assert.ok(maxAbsDiff(views[0], views[1]) > 0.05, 'views differ');
    tf.dispose([images, ...views]);
  });

  test('same seed same views; repeated calls on one rng give fresh views', () => {
    const images = randomImages(3, 8, 8, 1);
    const a = multiView(aug, images, 2, createRng(9));
    const b = multiView(aug, images, 2, createRng(9));
    a.forEach((v, k) => assertSameValues(v, b[k]));
    const rng = createRng(9);
    const first = multiView(aug, images, 2, rng);
    const second = multiView(aug, images, 2, rng);
    assert.ok(maxAbsDiff(first[0], second[0]) > 0.05);
    tf.dispose([images, ...a, ...b, ...first, ...second]);
  });

  test('no tensor leaks beyond the returned views', () => {
    const images = randomImages(3, 8, 8, 1);
    assertNoLeak(() => multiView(aug, images, 4, createRng(1)));
    images.dispose();
  });

  test('invalid arguments are rejected with their name', () => {
    const images = randomImages(1, 4, 4, 1);
    assertRejects(() => multiView(aug, images, 0, createRng(1)), 'multiView: n');
    assertRejects(() => multiView(aug, images, 1.5, createRng(1)), 'multiView: n');
    assertRejects(() => multiView(undefined as never, images, 2, createRng(1)), 'multiView: aug');
    images.dispose();
  });
});
