import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { gaussianNoise } from '../../src/augment';
import { fillStandardNormal } from '../../src/augment/gaussian-noise';
import { assertNoLeak, assertRejects, assertSameValues, randomImages, useCpu } from './helpers';

function meanStd(values: ArrayLike<number>, center = 0): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] - center;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - center - mean) ** 2;
  return [mean, Math.sqrt(sq / values.length)];
}

describe('gaussianNoise', () => {
  before(useCpu);

  test('the standard normal generator has mean 0, variance 1 and a normal fourth moment', () => {
    const z = new Float64Array(200001);
    fillStandardNormal(z, createRng(1));
    const [mean, std] = meanStd(z);
    let fourth = 0;
    for (const v of z) fourth += v ** 4;
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.01, `std ${std}`);
    assert.ok(Math.abs(fourth / z.length - 3) < 0.1, `fourth moment ${fourth / z.length}`);
  });

  test('the measured noise std matches the option', () => {
    const images = tf.fill([64, 16, 16, 1], 0.5) as tf.Tensor4D;
    for (const std of [0.02, 0.1]) {
      const out = gaussianNoise({ std })(images, createRng(3));
      const [mean, measured] = meanStd(out.dataSync(), 0.5);
      assert.ok(Math.abs(mean) < 0.002, `mean offset ${mean}`);
      assert.ok(Math.abs(measured / std - 1) < 0.03, `std ${measured} for ${std}`);
      out.dispose();
    }
    images.dispose();
  });

  test('clip keeps [0, 1]; without clip the noise goes past the edges', () => {
    const images = tf.fill([8, 8, 8, 1], 0.95) as tf.Tensor4D;
    const clipped = gaussianNoise({ std: 0.2 })(images, createRng(1));
    const free = gaussianNoise({ std: 0.2, clip: false })(images, createRng(1));
    assert.ok(Math.max(...clipped.dataSync()) <= 1);
    assert.ok(Math.max(...free.dataSync()) > 1.1);
    const [, freeStd] = meanStd(free.dataSync(), 0.95);
    assert.ok(Math.abs(freeStd / 0.2 - 1) < 0.1);
    tf.dispose([images, clipped, free]);
  });

  test('std 0, p 0 are the identity; with p 0.5 the other images are exact', () => {
    const images = randomImages(10, 4, 4, 1);
    const a = gaussianNoise({ std: 0 })(images, createRng(1));
    const b = gaussianNoise({ p: 0 })(images, createRng(1));
    assertSameValues(a, images);
    assertSameValues(b, images);
    const c = gaussianNoise({ p: 0.5, std: 0.1 })(images, createRng(4));
    const replay = createRng(4);
    const src = images.dataSync();
    const got = c.dataSync();
    let noisy = 0;
    for (let i = 0; i < 10; i++) {
      const chosen = replay.next() < 0.5;
      const same = src.slice(16 * i, 16 * i + 16).every((v, j) => v === got[16 * i + j]);
      assert.equal(same, !chosen, `image ${i}`);
      if (chosen) noisy++;
    }
    assert.ok(noisy > 0 && noisy < 10);
    tf.dispose([images, a, b, c]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(3, 4, 4, 3);
    assertNoLeak(() => gaussianNoise()(images, createRng(2)));
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => gaussianNoise({ std: -0.1 }), 'options.std');
    assertRejects(() => gaussianNoise({ std: Number.POSITIVE_INFINITY }), 'options.std');
    assertRejects(() => gaussianNoise({ p: 1.1 }), 'options.p');
    assertRejects(() => gaussianNoise({ clip: 'yes' as never }), 'options.clip');
    assertRejects(() => gaussianNoise({ sigma: 0.1 } as never), 'options.sigma');
  });
});
