import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitImage } from '../../../src/data/image-folder/fit-image';
import { decodeImage } from '../../../src/data/image-folder/decode-image';
import { encodeImage } from './make-image-folder';

test('fitImage crops the centred window of the target aspect, then averages areas', () => {
  // 6 wide, 2 high, grey, to 2x2: the centred 2x2 window (columns 2 and 3) is kept.
  const pixels = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
  assert.deepEqual([...fitImage({ width: 6, height: 2, channels: 1, pixels }, [2, 2], 1)], [20, 30, 80, 90]);
  // 4x4 to 2x2: each output the mean of a 2x2 block.
  const four = Uint8Array.from({ length: 16 }, (_, i) => i * 10);
  assert.deepEqual([...fitImage({ width: 4, height: 4, channels: 1, pixels: four }, [2, 2], 1)], [25, 45, 105, 125]);
  // 3x3 to 2x2 (no crop): fractional coverage, 1.5 source pixels per output.
  const three = Uint8Array.from([0, 30, 90, 0, 30, 90, 0, 30, 90]);
  assert.deepEqual([...fitImage({ width: 3, height: 3, channels: 1, pixels: three }, [2, 2], 1)], [10, 70, 10, 70]);
  // Upscaling repeats pixels.
  assert.deepEqual([...fitImage({ width: 1, height: 1, channels: 1, pixels: Uint8Array.from([7]) }, [2, 2], 1)], [7, 7, 7, 7]);
});

test('fitImage converts channels: grey to RGB repeats, RGB to grey by BT.601 weights', () => {
  assert.deepEqual([...fitImage({ width: 1, height: 1, channels: 1, pixels: Uint8Array.from([9]) }, [1, 1], 3)], [9, 9, 9]);
  assert.deepEqual([...fitImage({ width: 1, height: 1, channels: 3, pixels: Uint8Array.from([100, 200, 50]) }, [1, 1], 1)], [Math.round(0.299 * 100 + 0.587 * 200 + 0.114 * 50)]);
});

test('decodeImage reads a PNG exactly and a JPEG closely, grey and colour', () => {
  const pixel = (x: number, y: number) => [x * 20, y * 20, 100];
  const png = decodeImage(encodeImage('png', 5, 4, pixel), 'a.png');
  assert.deepEqual([png.width, png.height, png.channels], [5, 4, 3]);
  assert.deepEqual([...png.pixels.subarray((1 * 5 + 2) * 3, (1 * 5 + 2) * 3 + 3)], [40, 20, 100]);
  const greyPng = decodeImage(encodeImage('png', 3, 3, pixel, { grey: true }), 'g.png');
  assert.equal(greyPng.channels, 1);
  assert.deepEqual([...greyPng.pixels.subarray(0, 3)], [0, 20, 40]);
  const jpeg = decodeImage(encodeImage('jpeg', 16, 16, () => [120, 60, 200]), 'a.jpg');
  assert.deepEqual([jpeg.width, jpeg.height, jpeg.channels], [16, 16, 3]);
  for (const [i, want] of [120, 60, 200].entries()) assert.ok(Math.abs(jpeg.pixels[i] - want) <= 4, `channel ${i}: ${jpeg.pixels[i]} vs ${want}`);
});
