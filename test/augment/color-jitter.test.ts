import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { adjustColors, colorJitter, type ColorJitterParams } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, randomImages, useCpu } from './helpers';

const clamp = (v: number) => Math.min(1, Math.max(0, v));

// Textbook HSV conversions with explicit sectors, as a reference for the branch-free version.
function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d + 6) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
  }
  return [h / 6, max === 0 ? 0 : d / max, max];
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (((i % 6) + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

/** Naive per-image jitter in the documented order, on one image's values. */
function naiveJitter(values: number[], channels: number, p: ColorJitterParams): number[] {
  let x = values.map((v) => clamp(v * p.brightness));
  const gray = (j: number) => (channels === 1 ? x[j] : 0.299 * x[j] + 0.587 * x[j + 1] + 0.114 * x[j + 2]);
  let total = 0;
  for (let j = 0; j < x.length; j += channels) total += gray(j);
  const mean = total / (x.length / channels);
  x = x.map((v) => clamp(p.contrast * v + (1 - p.contrast) * mean));
  if (channels === 1) return x;
  const y = x.slice();
  for (let j = 0; j < x.length; j += 3) for (let c = 0; c < 3; c++) y[j + c] = clamp(p.saturation * x[j + c] + (1 - p.saturation) * gray(j));
  if (p.hue === 0) return y;
  for (let j = 0; j < y.length; j += 3) {
    const [h, s, v] = rgbToHsv(y[j], y[j + 1], y[j + 2]);
    const rgb = hsvToRgb((((h + p.hue) % 1) + 1) % 1, s, v);
    for (let c = 0; c < 3; c++) y[j + c] = rgb[c];
  }
  return y;
}

function checkAgainstNaive(images: tf.Tensor4D, params: ColorJitterParams[]): void {
  const out = adjustColors(images, params);
  const [batch, h, w, channels] = images.shape;
  const size = h * w * channels;
  const src = Array.from(images.dataSync());
  const got = out.dataSync();
  for (let b = 0; b < batch; b++) {
    const expected = naiveJitter(src.slice(b * size, (b + 1) * size), channels, params[b]);
    for (let j = 0; j < size; j++) assert.ok(Math.abs(got[b * size + j] - expected[j]) < 1e-5, `image ${b} value ${j}: ${got[b * size + j]} vs ${expected[j]}`);
  }
  out.dispose();
}

describe('colorJitter', () => {
  before(useCpu);

  test('adjustColors matches naive brightness, contrast, saturation and HSV hue steps (RGB)', () => {
    const images = randomImages(6, 5, 4, 3);
    const rng = createRng(3);
    const params = Array.from({ length: 6 }, () => ({
      brightness: rng.uniform(0.2, 1.8),
      contrast: rng.uniform(0.2, 1.8),
      saturation: rng.uniform(0, 1.8),
      hue: rng.uniform(-0.5, 0.5),
    }));
    checkAgainstNaive(images, params);
    images.dispose();
  });

  test('each step alone matches the naive reference, including pure hue shifts', () => {
    const images = randomImages(5, 4, 4, 3, 21);
    const one = { brightness: 1, contrast: 1, saturation: 1, hue: 0 };
    checkAgainstNaive(images, [
      { ...one, brightness: 1.7 },
      { ...one, contrast: 0.3 },
      { ...one, saturation: 0 },
      { ...one, hue: 0.25 },
      { ...one, hue: -0.45 },
    ]);
    images.dispose();
  });

  test('one-channel images get only brightness and contrast', () => {
    const images = randomImages(3, 5, 5, 1);
    checkAgainstNaive(images, [
      { brightness: 1.5, contrast: 0.5, saturation: 0, hue: 0.3 },
      { brightness: 0.5, contrast: 1.5, saturation: 2, hue: -0.3 },
      { brightness: 1, contrast: 1, saturation: 0.1, hue: 0.1 },
    ]);
    images.dispose();
  });

  test('hue shifts keep each pixel`s max and min, and a full turn restores the image', () => {
    const images = randomImages(2, 6, 6, 3);
    const one = { brightness: 1, contrast: 1, saturation: 1 };
    const shifted = adjustColors(images, [{ ...one, hue: 0.3 }, { ...one, hue: -0.2 }]);
    const src = images.dataSync();
    const got = shifted.dataSync();
    for (let j = 0; j < src.length; j += 3) {
      assert.ok(Math.abs(Math.max(src[j], src[j + 1], src[j + 2]) - Math.max(got[j], got[j + 1], got[j + 2])) < 1e-6);
      assert.ok(Math.abs(Math.min(src[j], src[j + 1], src[j + 2]) - Math.min(got[j], got[j + 1], got[j + 2])) < 1e-6);
    }
    const twice = adjustColors(shifted, [{ ...one, hue: 0.5 }, { ...one, hue: 0.5 }]);
    const back = adjustColors(twice, [{ ...one, hue: 0.2 }, { ...one, hue: -0.3 }]);
    const restored = back.dataSync();
    for (let j = 0; j < src.length; j++) assert.ok(Math.abs(restored[j] - src[j]) < 1e-5);
    tf.dispose([images, shifted, twice, back]);
  });

  test('identity factors, p 0 and zero ranges are the exact identity', () => {
    const images = randomImages(4, 4, 4, 3);
    const a = adjustColors(images, new Array(4).fill({ brightness: 1, contrast: 1, saturation: 1, hue: 0 }));
    const b = colorJitter({ p: 0 })(images, createRng(1));
    const c = colorJitter({ brightness: 0, contrast: 0, saturation: 0, hue: 0, p: 1 })(images, createRng(1));
    for (const t of [a, b, c]) assertSameValues(t, images);
    tf.dispose([images, a, b, c]);
  });

  test('colorJitter draws a coin then four factors per image, from the documented ranges', () => {
    const images = randomImages(8, 4, 4, 3);
    const options = { brightness: 0.4, contrast: [0.5, 1.5] as [number, number], saturation: 0.3, hue: 0.1, p: 0.6 };
    const out = colorJitter(options)(images, createRng(5));
    const replay = createRng(5);
    const params: ColorJitterParams[] = [];
    for (let i = 0; i < 8; i++) {
      if (replay.next() < 0.6) {
        params.push({ brightness: replay.uniform(0.6, 1.4), contrast: replay.uniform(0.5, 1.5), saturation: replay.uniform(0.7, 1.3), hue: replay.uniform(-0.1, 0.1) });
      } else params.push({ brightness: 1, contrast: 1, saturation: 1, hue: 0 });
    }
    const expected = adjustColors(images, params);
    assert.ok(params.some((p) => p.hue === 0) && params.some((p) => p.hue !== 0), 'both outcomes occur');
    assertSameValues(out, expected);
    tf.dispose([images, out, expected]);
  });

  test('brightness factors spread over [max(0, 1 - v), 1 + v]', () => {
    const images = tf.fill([200, 2, 2, 1], 0.4) as tf.Tensor4D;
    const out = colorJitter({ brightness: 0.5, contrast: 0, saturation: 0, hue: 0, p: 1 })(images, createRng(2));
    const values = out.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 200; i++) {
      lo = Math.min(lo, values[4 * i] / 0.4);
      hi = Math.max(hi, values[4 * i] / 0.4);
    }
    assert.ok(lo >= 0.5 - 1e-6 && lo < 0.55 && hi <= 1.5 + 1e-6 && hi > 1.45, `factors in [${lo}, ${hi}]`);
    tf.dispose([images, out]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(4, 4, 4, 3);
    assertNoLeak(() => colorJitter()(images, createRng(2)));
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => colorJitter({ brightness: -1 }), 'options.brightness');
    assertRejects(() => colorJitter({ contrast: [2, 1] }), 'options.contrast');
    assertRejects(() => colorJitter({ saturation: [-0.5, 1] }), 'options.saturation');
    assertRejects(() => colorJitter({ hue: 0.6 }), 'options.hue');
    assertRejects(() => colorJitter({ hue: [-0.7, 0] }), 'options.hue');
    assertRejects(() => colorJitter({ p: 2 }), 'options.p');
    assertRejects(() => colorJitter({ gamma: 1 } as never), 'options.gamma');
    const twoChannels = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    assertRejects(() => colorJitter()(twoChannels, createRng(1)), 'images');
    assertRejects(() => adjustColors(twoChannels, []), 'images');
    twoChannels.dispose();
  });
});
