import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/util/rng';
import { cropAndResizeBoxes, randomResizedCrop, sampleCropBox, type CropBox } from '../../src/augment';
import { assertNoLeak, assertRejects, assertSameValues, at, bilinearAt, imagesFrom, maxAbsDiff, randomImages, useCpu } from './helpers';

describe('randomResizedCrop', () => {
  before(useCpu);

  test('sampled boxes fit, with area and aspect ratio in range (up to rounding)', () => {
    const rng = createRng(3);
    for (let k = 0; k < 500; k++) {
      const box = sampleCropBox(32, 32, [0.2, 0.6], [0.5, 2], rng);
      assert.ok(box.top >= 0 && box.left >= 0 && box.top + box.height <= 32 && box.left + box.width <= 32);
      const area = (box.height * box.width) / (32 * 32);
      // Rounding h and w by up to half a pixel each moves the area by at most (h + w + 0.5) / 2 pixels.
      const slack = (box.height + box.width + 0.5) / 2 / (32 * 32);
      assert.ok(area >= 0.2 - slack && area <= 0.6 + slack, `area ${area}`);
      const ratio = box.width / box.height;
      assert.ok(ratio >= 0.5 * (1 - 1 / box.height) - 0.05 && ratio <= 2 * (1 + 1 / box.height) + 0.05, `ratio ${ratio}`);
    }
  });

  test('after 10 misses the box is the largest centred crop within the ratio range', () => {
    // Ratio 10 never fits an 8x8 image at this scale: fallback w = 8, h = round(8 / 10) = 1.
    assert.deepEqual(sampleCropBox(8, 8, [0.5, 1], [10, 10], createRng(1)), { top: 3, left: 0, height: 1, width: 8 });
    // An aspect range containing the image's own ratio keeps the whole image.
    assert.deepEqual(sampleCropBox(6, 9, [2, 2], [0.5, 2], createRng(1)), { top: 0, left: 0, height: 6, width: 9 });
  });

  test('cropAndResizeBoxes matches a naive bilinear resize with aligned corners', () => {
    const images = randomImages(3, 7, 9, 2);
    const boxes: CropBox[] = [
      { top: 0, left: 0, height: 7, width: 9 },
      { top: 1, left: 2, height: 4, width: 5 },
      { top: 3, left: 0, height: 3, width: 9 },
    ];
    const out = cropAndResizeBoxes(images, boxes);
    const src = at(images);
    const got = at(out);
    for (let b = 0; b < 3; b++) {
      const { top, left, height, width } = boxes[b];
      for (let y = 0; y < 7; y++)
        for (let x = 0; x < 9; x++)
          for (let c = 0; c < 2; c++) {
            const expected = bilinearAt(src, 7, 9, b, top + (y * (height - 1)) / 6, left + (x * (width - 1)) / 8, c);
            assert.ok(Math.abs(got(b, y, x, c) - expected) < 1e-5, `b${b} y${y} x${x} c${c}`);
          }
    }
    tf.dispose([images, out]);
  });

  test('cropAndResizeBoxes agrees with tf.image.cropAndResize on the cpu backend', () => {
    const images = randomImages(3, 10, 8, 3, 5);
    const boxes: CropBox[] = [
      { top: 2, left: 1, height: 7, width: 5 },
      { top: 0, left: 3, height: 10, width: 5 },
      { top: 5, left: 0, height: 2, width: 8 },
    ];
    const ours = cropAndResizeBoxes(images, boxes);
    const normalised = tf.tensor2d(boxes.map((b) => [b.top / 9, b.left / 7, (b.top + b.height - 1) / 9, (b.left + b.width - 1) / 7]));
    const index = tf.tensor1d([0, 1, 2], 'int32');
    const theirs = tf.image.cropAndResize(images, normalised, index, [10, 8], 'bilinear');
    assert.ok(maxAbsDiff(ours, theirs) < 1e-5);
    tf.dispose([images, ours, normalised, index, theirs]);
  });

  test('a bright square cropped exactly fills the output', () => {
    const images = imagesFrom([1, 8, 8, 1], (_b, y, x) => (y >= 2 && y < 6 && x >= 3 && x < 7 ? 1 : 0));
    const out = cropAndResizeBoxes(images, [{ top: 2, left: 3, height: 4, width: 4 }]);
    for (const v of out.dataSync()) assert.ok(Math.abs(v - 1) < 1e-6, `value ${v}`);
    tf.dispose([images, out]);
  });

  test('the random crop of a ramp lands on the box drawn from the same seed', () => {
    // Bilinear sampling reproduces a linear ramp exactly, so each output pixel tells where it came from.
    const images = imagesFrom([4, 16, 16, 1], (b, y, x) => (b + y * 16 + x) / 300);
    const out = randomResizedCrop({ scale: [0.1, 0.5], ratio: [0.5, 2] })(images, createRng(9));
    const replay = createRng(9);
    const get = at(out);
    for (let b = 0; b < 4; b++) {
      const box = sampleCropBox(16, 16, [0.1, 0.5], [0.5, 2], replay);
      assert.ok(box.height < 16 || box.width < 16, 'the crop is smaller than the image');
      for (const [y, x] of [[0, 0], [15, 15], [0, 15], [7, 4]]) {
        const sy = box.top + (y * (box.height - 1)) / 15;
        const sx = box.left + (x * (box.width - 1)) / 15;
        assert.ok(Math.abs(get(b, y, x, 0) - (b + sy * 16 + sx) / 300) < 1e-5, `image ${b} pixel (${y}, ${x})`);
      }
    }
    tf.dispose([images, out]);
  });

  test('scale [1, 1] with the image ratio is the exact identity', () => {
    const images = randomImages(3, 8, 8, 3);
    const out = randomResizedCrop({ scale: [1, 1], ratio: [1, 1] })(images, createRng(2));
    assertSameValues(out, images);
    tf.dispose([images, out]);
  });

  test('random crops change the images and do not leak', () => {
    const images = randomImages(4, 12, 12, 3);
    assertNoLeak(() => {
      const out = randomResizedCrop()(images, createRng(4));
      assert.ok(maxAbsDiff(out, images) > 0.1);
      return out;
    });
    images.dispose();
  });

  test('invalid options are rejected with the option named', () => {
    assertRejects(() => randomResizedCrop({ scale: [0.5, 0.2] }), 'options.scale');
    assertRejects(() => randomResizedCrop({ scale: [0, 1] }), 'options.scale');
    assertRejects(() => randomResizedCrop({ scale: [0.5, 1.5] }), 'options.scale');
    assertRejects(() => randomResizedCrop({ ratio: [-1, 2] }), 'options.ratio');
    assertRejects(() => randomResizedCrop({ ratio: [1] as unknown as [number, number] }), 'options.ratio');
    assertRejects(() => randomResizedCrop({ size: 3 } as never), 'options.size');
    const tiny = tf.zeros([1, 1, 5, 1]) as tf.Tensor4D;
    assertRejects(() => cropAndResizeBoxes(tiny, [{ top: 0, left: 0, height: 1, width: 5 }]), 'images');
    assertRejects(() => cropAndResizeBoxes(tiny, []), 'boxes');
    tiny.dispose();
  });
});
