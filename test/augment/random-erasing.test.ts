import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { randomErasing, sampleErasingBox } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, at, randomImages, useCpu } from './helpers';

describe('randomErasing', () => {
  before(useCpu);

  test('the erased area and ratio stay within range (up to rounding)', () => {
    const images = tf.ones([40, 32, 32, 2]) as tf.Tensor4D;
    const out = randomErasing({ p: 1, scale: [0.05, 0.2], ratio: [0.5, 2], value: 0 })(images, createRng(2));
    const get = at(out);
    for (let b = 0; b < 40; b++) {
      let erased = 0;
      let top = 32;
      let bottom = -1;
      let left = 32;
      let right = -1;
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) {
          assert.equal(get(b, y, x, 0), get(b, y, x, 1), 'all channels erased together');
          if (get(b, y, x, 0) === 0) {
            erased++;
            top = Math.min(top, y);
            bottom = Math.max(bottom, y);
            left = Math.min(left, x);
            right = Math.max(right, x);
          }
        }
      const h = bottom - top + 1;
      const w = right - left + 1;
      assert.equal(erased, h * w, 'the erased pixels form a rectangle');
      const slack = (h + w + 0.5) / 2 / 1024;
      assert.ok(erased / 1024 >= 0.05 - slack && erased / 1024 <= 0.2 + slack, `area ${erased / 1024}`);
      assert.ok(h / w >= 0.5 * (1 - 1 / w) - 0.05 && h / w <= 2 * (1 + 1 / w) + 0.05, `ratio ${h / w}`);
    }
    tf.dispose([images, out]);
  });

  test('erases exactly the box drawn from the same seed, with the given value', () => {
    const images = randomImages(6, 10, 12, 3);
    const options = { p: 0.5, scale: [0.1, 0.3] as [number, number], ratio: [0.3, 3.3] as [number, number], value: 0.25 };
    const out = randomErasing(options)(images, createRng(7));
    const replay = createRng(7);
    const src = at(images);
    const got = at(out);
    let erasedImages = 0;
    for (let b = 0; b < 6; b++) {
      const box = replay.next() < 0.5 ? sampleErasingBox(10, 12, options.scale, options.ratio, replay) : null;
      if (box !== null) erasedImages++;
      for (let y = 0; y < 10; y++)
        for (let x = 0; x < 12; x++) {
          const inside = box !== null && y >= box.top && y < box.top + box.height && x >= box.left && x < box.left + box.width;
          for (let c = 0; c < 3; c++) assert.equal(got(b, y, x, c), inside ? 0.25 : src(b, y, x, c));
        }
    }
    assert.ok(erasedImages > 0 && erasedImages < 6);
    tf.dispose([images, out]);
  });

  test('p 0 is the identity', () => {
    const images = randomImages(3, 5, 5, 1);
    const out = randomErasing({ p: 0 })(images, createRng(1));
    assertSameValues(out, images);
    tf.dispose([images, out]);
  });

  test('no tensor leaks', () => {
    const images = randomImages(3, 8, 8, 3);
    assertNoLeak(() => randomErasing({ p: 1 })(images, createRng(2)));
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => randomErasing({ scale: [0.5, 0.1] }), 'options.scale');
    assertRejects(() => randomErasing({ ratio: [0, 1] }), 'options.ratio');
    assertRejects(() => randomErasing({ value: 2 }), 'options.value');
    assertRejects(() => randomErasing({ p: -1 }), 'options.p');
    assertRejects(() => randomErasing({ inplace: true } as never), 'options.inplace');
  });
});
