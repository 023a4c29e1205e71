import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { ImageDataset } from '../../src/data/dataset';
import { glyph, glyphHeight, glyphWidth, textWidth } from '../../src/plot/bitmap-font';
import { imageGridPng } from '../../src/plot/image-grid-png';
import { InputError } from '../../src/util/errors';

const ds: ImageDataset = {
  name: 'tiny',
  source: 'train',
  shape: [2, 2, 1],
  // image k has all pixels 10 * (k + 1), except pixel (1, 1) = 255
  images: Uint8Array.from([10, 10, 10, 255, 20, 20, 20, 255, 30, 30, 30, 255]),
  labels: Int32Array.from([0, 1, 0]),
  numClasses: 2,
};

function pixel(png: PNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [...png.data.subarray(i, i + 4)];
}

describe('imageGridPng', () => {
  test('lays images out in rows with padding and nearest-neighbour scaling', () => {
    const png = PNG.sync.read(Buffer.from(imageGridPng(ds, { columns: 2, scale: 2, padding: 1 })));
    assert.equal(png.width, 2 * 4 + 3);
    assert.equal(png.height, 2 * 4 + 3);
    assert.deepEqual(pixel(png, 0, 0), [255, 255, 255, 255], 'padding is background');
    assert.deepEqual(pixel(png, 1, 1), [10, 10, 10, 255]);
    assert.deepEqual(pixel(png, 4, 4), [255, 255, 255, 255], 'scaled bright pixel of image 0');
    assert.deepEqual(pixel(png, 6, 1), [20, 20, 20, 255], 'image 1 right of image 0');
    assert.deepEqual(pixel(png, 1, 6), [30, 30, 30, 255], 'image 2 on the second row');
  });

  test('indices choose and order the images; float tensors in [0, 1] map to 0..255', () => {
    const values = Float32Array.from([0, 0.5, 1, 1, 1, 1, 0, 0]);
    const tensor = { shape: [2, 2, 2], dataSync: () => values };
    const png = PNG.sync.read(Buffer.from(imageGridPng(tensor, { indices: [1, 0], scale: 1, padding: 0 })));
    assert.equal(png.width, 4);
    assert.deepEqual(pixel(png, 0, 0).slice(0, 3), [255, 255, 255]);
    assert.deepEqual(pixel(png, 0, 1).slice(0, 3), [0, 0, 0]);
    assert.deepEqual(pixel(png, 3, 0).slice(0, 3), [128, 128, 128]);
  });

  test('captions add a text row under each image', () => {
    const png = PNG.sync.read(Buffer.from(imageGridPng(ds, { columns: 3, scale: 8, padding: 0, captions: ['a', 'b', 'c'] })));
    assert.equal(png.height, 16 + 11);
    let ink = 0;
    for (let x = 0; x < png.width; x++) for (let y = 16; y < png.height; y++) if (pixel(png, x, y)[0]! < 128) ink++;
    assert.ok(ink > 10, 'caption text drawn');
  });

  test('bad input names the field', () => {
    assert.throws(() => imageGridPng(ds, { indices: [3] }), (e: unknown) => e instanceof InputError && /options\.indices\[0\]/.test(e.message));
    assert.throws(() => imageGridPng(ds, { captions: ['x'] }), /3 captions/);
    assert.throws(() => imageGridPng({ values: new Float32Array(5), shape: [1, 2, 2] }), /4 values/);
  });
});

describe('bitmap font', () => {
  test('every glyph has 5 x 9 cells; unknown characters draw as "?"', () => {
    for (const c of 'AZaz09.-?') assert.equal(glyph(c).length, glyphWidth * glyphHeight);
    assert.deepEqual(glyph('\u0001'), glyph('?'));
    assert.notDeepEqual(glyph('a'), glyph('b'));
    assert.equal(textWidth('ab'), 11);
    assert.equal(textWidth(''), 0);
  });
});
