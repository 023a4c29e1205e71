import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { affineCoefficients, applyAffine, randomAffine, type AffineParams } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, at, bilinearAt, imagesFrom, maxAbsDiff, randomImages, useCpu } from './helpers';

const still: AffineParams = { rotation: 0, translateX: 0, translateY: 0, scale: 1, shearX: 0, shearY: 0 };
const fixed = (p: Partial<AffineParams>) => {
  const q = { ...still, ...p };
  return {
    rotation: [q.rotation, q.rotation] as [number, number],
    translateX: [q.translateX, q.translateX] as [number, number],
    translateY: [q.translateY, q.translateY] as [number, number],
    scale: [q.scale, q.scale] as [number, number],
    shearX: [q.shearX, q.shearX] as [number, number],
    shearY: [q.shearY, q.shearY] as [number, number],
  };
};

describe('randomAffine', () => {
  before(useCpu);

  test('zero rotation, shift and shear with scale 1 is the exact identity', () => {
    const images = randomImages(5, 7, 6, 2);
    const out = randomAffine(fixed({}))(images, createRng(1));
    assertSameValues(out, images);
    tf.dispose([images, out]);
  });

  test('an integer shift moves every image of the batch by whole pixels', () => {
    const images = randomImages(3, 6, 8, 1);
    // translateX 2/8 of the width = 2 pixels right; translateY -1/6 of the height = 1 pixel up.
    const out = randomAffine(fixed({ translateX: 2 / 8, translateY: -1 / 6 }))(images, createRng(1));
    const src = at(images);
    const got = at(out);
    for (let b = 0; b < 3; b++)
      for (let y = 0; y < 6; y++)
        for (let x = 0; x < 8; x++) {
          const sy = y + 1;
          const sx = x - 2;
          const expected = sy < 6 && sx >= 0 ? src(b, sy, sx, 0) : 0;
          assert.ok(Math.abs(got(b, y, x, 0) - expected) < 1e-6, `b${b} y${y} x${x}`);
        }
    tf.dispose([images, out]);
  });

  test('rotation by 90 degrees turns the image counter-clockwise', () => {
    const images = randomImages(2, 5, 5, 3);
    const out = randomAffine(fixed({ rotation: 90 }))(images, createRng(1));
    const src = at(images);
    const got = at(out);
    // Counter-clockwise: the top-right corner goes to the top-left, out[y][x] = in[x][n - 1 - y].
    for (let b = 0; b < 2; b++)
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 5; x++)
          for (let c = 0; c < 3; c++) assert.ok(Math.abs(got(b, y, x, c) - src(b, x, 4 - y, c)) < 1e-5);
    tf.dispose([images, out]);
  });

  test('zoom 2 keeps the centre and magnifies about it', () => {
    const images = imagesFrom([1, 9, 9, 1], (_b, y, x) => (y * 9 + x) / 81);
    const out = randomAffine(fixed({ scale: 2 }))(images, createRng(1));
    const got = at(out);
    // Output (y, x) samples the input at the centre 4 + (y - 4) / 2.
    for (const [y, x] of [[4, 4], [0, 0], [8, 8], [2, 6]]) {
      const expected = ((4 + (y - 4) / 2) * 9 + (4 + (x - 4) / 2)) / 81;
      assert.ok(Math.abs(got(0, y, x, 0) - expected) < 1e-6);
    }
    tf.dispose([images, out]);
  });

  test('random warps match a naive inverse-mapped bilinear sampler for every image', () => {
    const images = randomImages(4, 8, 7, 2);
    const options = { rotation: [-40, 40], translateX: [-0.2, 0.2], translateY: [-0.2, 0.2], scale: [0.7, 1.4], shearX: [-20, 20], shearY: [-10, 10] } as const;
    const out = randomAffine(options as never)(images, createRng(11));
    const replay = createRng(11);
    const src = at(images);
    const got = at(out);
    for (let b = 0; b < 4; b++) {
      const p: AffineParams = {
        rotation: replay.uniform(-40, 40),
        translateX: replay.uniform(-0.2, 0.2),
        translateY: replay.uniform(-0.2, 0.2),
        scale: replay.uniform(0.7, 1.4),
        shearX: replay.uniform(-20, 20),
        shearY: replay.uniform(-10, 10),
      };
      const [a0, a1, a2, b0, b1, b2] = affineCoefficients(p, 8, 7);
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 7; x++)
          for (let c = 0; c < 2; c++) {
            const expected = bilinearAt(src, 8, 7, b, b0 * x + b1 * y + b2, a0 * x + a1 * y + a2, c);
            assert.ok(Math.abs(got(b, y, x, c) - expected) < 1e-4, `image ${b} (${y}, ${x}, ${c})`);
          }
    }
    assert.ok(maxAbsDiff(out, images) > 0.1);
    tf.dispose([images, out]);
  });

  test('the coefficients invert the forward map', () => {
    const p: AffineParams = { rotation: 30, translateX: 0.1, translateY: -0.2, scale: 1.3, shearX: 10, shearY: -5 };
    const [a0, a1, a2, b0, b1, b2] = affineCoefficients(p, 10, 20);
    // Forward: out = c + t + R Shear s (in - c); check that the inverse maps it back.
    const [cx, cy] = [9.5, 4.5];
    const [dx, dy] = [3, -2];
    const r = (30 * Math.PI) / 180;
    const shx = Math.tan((10 * Math.PI) / 180);
    const shy = Math.tan((-5 * Math.PI) / 180);
    const sx = 1.3 * (dx + shx * dy);
    const sy = 1.3 * (shy * dx + dy);
    const ox = cx + 2 + Math.cos(r) * sx + Math.sin(r) * sy;
    const oy = cy - 2 - Math.sin(r) * sx + Math.cos(r) * sy;
    assert.ok(Math.abs(a0 * ox + a1 * oy + a2 - (cx + dx)) < 1e-9);
    assert.ok(Math.abs(b0 * ox + b1 * oy + b2 - (cy + dy)) < 1e-9);
  });

  test('fill value and fill mode reach the kernel', () => {
    const images = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    const out = randomAffine({ ...fixed({ translateX: 0.5 }), fillValue: 0.25 })(images, createRng(1));
    assert.equal(at(out)(1, 0, 0, 0), 0.25);
    const nearest = applyAffine(images, [still, { ...still, translateX: 0.5 }], { fillMode: 'nearest', fillValue: 1 });
    assert.equal(at(nearest)(1, 0, 0, 0), 0);
    tf.dispose([images, out, nearest]);
  });

  test('agrees with tf.image.transform (one image at a time) for constant, nearest and reflect fill', () => {
    // tfjs-backend-cpu's Transform kernel is right for a batch of one (it stops after the first image).
    const image = randomImages(1, 7, 9, 2, 13);
    const cases: Partial<AffineParams>[] = [
      { translateX: 3 / 9, translateY: -2 / 7 },
      { translateX: 0.37, translateY: -0.21 },
      { rotation: 33, scale: 0.7 },
      { rotation: -70, scale: 1.3, shearX: 10, shearY: -8 },
    ];
    for (const fillMode of ['constant', 'nearest', 'reflect'] as const) {
      for (const p of cases) {
        const params = { ...still, ...p };
        const ours = applyAffine(image, [params], { fillMode, fillValue: 0.3 });
        const transforms = tf.tensor2d([[...affineCoefficients(params, 7, 9), 0, 0]]);
        const theirs = tf.image.transform(image, transforms, 'bilinear', fillMode, 0.3);
        assert.ok(maxAbsDiff(ours, theirs) < 1e-6, `${fillMode} ${JSON.stringify(p)}`);
        tf.dispose([ours, transforms, theirs]);
      }
    }
    image.dispose();
  });

  test('wrap fill is periodic, interpolating across the seam', () => {
    const images = randomImages(2, 5, 6, 1, 17);
    const out = applyAffine(images, [{ ...still, translateX: 0.25 }, { ...still, translateY: -0.3 }], { fillMode: 'wrap' });
    const src = at(images);
    const got = at(out);
    const mod = (v: number, n: number) => ((v % n) + n) % n;
    const periodic = (b: number, y: number, x: number) => {
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const v = (yy: number, xx: number) => src(b, mod(yy, 5), mod(xx, 6), 0);
      return (1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x0 + 1)) + fy * ((1 - fx) * v(y0 + 1, x0) + fx * v(y0 + 1, x0 + 1));
    };
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 6; x++) {
        assert.ok(Math.abs(got(0, y, x, 0) - periodic(0, y, x - 1.5)) < 1e-6);
        assert.ok(Math.abs(got(1, y, x, 0) - periodic(1, y + 1.5, x)) < 1e-6);
      }
    tf.dispose([images, out]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(3, 6, 6, 1);
    assertNoLeak(() => randomAffine()(images, createRng(2)));
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => randomAffine({ rotation: [10, -10] }), 'options.rotation');
    assertRejects(() => randomAffine({ translateX: [0, 2] }), 'options.translateX');
    assertRejects(() => randomAffine({ translateY: [Number.NaN, 0] }), 'options.translateY');
    assertRejects(() => randomAffine({ scale: [0, 1] }), 'options.scale');
    assertRejects(() => randomAffine({ shearX: [-90, 0] }), 'options.shearX');
    assertRejects(() => randomAffine({ shearY: [0, 85] }), 'options.shearY');
    assertRejects(() => randomAffine({ fillMode: 'mirror' as never }), 'options.fillMode');
    assertRejects(() => randomAffine({ fillValue: 2 }), 'options.fillValue');
    assertRejects(() => randomAffine({ degrees: 15 } as never), 'options.degrees');
    assertRejects(() => affineCoefficients({ ...still, shearX: 45, shearY: 45 }, 8, 8), 'params');
  });
});
