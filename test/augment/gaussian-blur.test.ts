import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { blurImages, gaussianBlur, gaussianKernel } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, at, randomImages, useCpu } from './helpers';

/** Reflect padding without repeating the edge, as torch's 'reflect' and tf.mirrorPad 'reflect'. */
function reflect(i: number, n: number): number {
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

describe('gaussianBlur', () => {
  before(useCpu);

  test('kernels are normalised, symmetric and peaked in the middle', () => {
    for (const [size, sigma] of [[3, 0.5], [5, 1], [7, 2]] as const) {
      const k = gaussianKernel(size, sigma);
      assert.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      for (let t = 0; t < size; t++) assert.ok(Math.abs(k[t] - k[size - 1 - t]) < 1e-15);
      assert.ok(k[(size - 1) / 2] > k[0]);
      const r = (size - 1) / 2;
      assert.ok(Math.abs(k[0] / k[1] - Math.exp(((r - 1) ** 2 - r ** 2) / (2 * sigma * sigma))) < 1e-12);
    }
  });

  test('blurImages matches a naive 2-D convolution with reflect padding', () => {
    const images = randomImages(4, 6, 5, 2);
    const selected = [0, 2, 3];
    const sigmas = [0.5, 1.2, 3];
    const out = blurImages(images, selected, sigmas, 5);
    const src = at(images);
    const got = at(out);
    for (let b = 0; b < 4; b++) {
      const k = selected.indexOf(b);
      for (let y = 0; y < 6; y++)
        for (let x = 0; x < 5; x++)
          for (let c = 0; c < 2; c++) {
            let expected = src(b, y, x, c);
            if (k >= 0) {
              const w = gaussianKernel(5, sigmas[k]);
              expected = 0;
              for (let dy = -2; dy <= 2; dy++)
                for (let dx = -2; dx <= 2; dx++) expected += w[dy + 2] * w[dx + 2] * src(b, reflect(y + dy, 6), reflect(x + dx, 5), c);
            }
            assert.ok(Math.abs(got(b, y, x, c) - expected) < 1e-6, `image ${b} (${y}, ${x}, ${c})`);
          }
    }
    tf.dispose([images, out]);
  });

  test('a constant image stays constant; a tiny sigma or kernel 1 is (near) identity', () => {
    const flat = tf.fill([2, 5, 5, 3], 0.3) as tf.Tensor4D;
    const a = gaussianBlur({ p: 1, sigma: [1, 2], kernelSize: 5 })(flat, createRng(1));
    for (const v of a.dataSync()) assert.ok(Math.abs(v - 0.3) < 1e-6);
    const images = randomImages(2, 5, 5, 3);
    const b = gaussianBlur({ p: 1, sigma: [0.05, 0.05], kernelSize: 3 })(images, createRng(1));
    const c = gaussianBlur({ p: 1, kernelSize: 1 })(images, createRng(1));
    const d = gaussianBlur({ p: 0 })(images, createRng(1));
    const bv = b.dataSync();
    const iv = images.dataSync();
    for (let j = 0; j < iv.length; j++) assert.ok(Math.abs(bv[j] - iv[j]) < 1e-6);
    assertSameValues(c, images);
    assertSameValues(d, images);
    tf.dispose([flat, a, images, b, c, d]);
  });

  test('draws a coin, then a sigma, per image', () => {
    const images = randomImages(6, 5, 5, 1);
    const out = gaussianBlur({ p: 0.5, sigma: [0.5, 1.5], kernelSize: 3 })(images, createRng(6));
    const replay = createRng(6);
    const selected: number[] = [];
    const sigmas: number[] = [];
    for (let i = 0; i < 6; i++) {
      if (replay.next() < 0.5) {
        selected.push(i);
        sigmas.push(replay.uniform(0.5, 1.5));
      }
    }
    assert.ok(selected.length > 0 && selected.length < 6);
    const expected = blurImages(images, selected, sigmas, 3);
    assertSameValues(out, expected);
    tf.dispose([images, out, expected]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(3, 4, 4, 3);
    assertNoLeak(() => gaussianBlur({ p: 1 })(images, createRng(2)));
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => gaussianBlur({ kernelSize: 4 }), 'options.kernelSize');
    assertRejects(() => gaussianBlur({ kernelSize: 0 }), 'options.kernelSize');
    assertRejects(() => gaussianBlur({ kernelSize: 2.5 }), 'options.kernelSize');
    assertRejects(() => gaussianBlur({ sigma: [0, 1] }), 'options.sigma');
    assertRejects(() => gaussianBlur({ sigma: [2, 1] }), 'options.sigma');
    assertRejects(() => gaussianBlur({ p: -1 }), 'options.p');
  });
});
