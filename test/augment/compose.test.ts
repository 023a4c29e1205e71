import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { compose, gaussianNoise, identity, randomAffine } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, randomImages, useCpu } from './helpers';

describe('compose and identity', () => {
  before(useCpu);

  test('identity copies the batch and draws nothing', () => {
    const images = randomImages(2, 3, 3, 1);
    const rng = createRng(1);
    const out = identity(images, rng);
    assert.notEqual(out, images);
    assertSameValues(out, images);
    assert.equal(rng.next(), createRng(1).next());
    tf.dispose([images, out]);
  });

  test('compose runs left to right on one rng', () => {
    const images = randomImages(4, 6, 6, 1);
    const affine = randomAffine();
    const noise = gaussianNoise({ std: 0.1 });
    const composed = compose([affine, noise])(images, createRng(3));
    const rng = createRng(3);
    const first = affine(images, rng);
    const expected = noise(first, rng);
    assertSameValues(composed, expected);
    tf.dispose([images, composed, first, expected]);
  });

  test('an empty list is the identity; intermediates are disposed', () => {
    const images = randomImages(2, 4, 4, 3);
    const out = compose([])(images, createRng(1));
    assertSameValues(out, images);
    assertNoLeak(() => compose([randomAffine(), gaussianNoise(), randomAffine()])(images, createRng(1)));
    tf.dispose([images, out]);
  });

  test('non-functions are rejected with their index', () => {
    assertRejects(() => compose([identity, 3 as never]), 'augs[1]');
    assertRejects(() => compose('x' as never), 'augs');
  });
});
