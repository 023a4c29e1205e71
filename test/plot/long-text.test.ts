import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { PNG } from 'pngjs';
import { figurePng } from '../../src/plot/figure-png';
import { histogramFigure } from '../../src/plot/histogram-figure';
import { imageGridPng } from '../../src/plot/image-grid-png';
import { wrapWords } from '../../src/plot/wrap-words';

// Static figures wrap long titles and captions instead of cutting them off at the edge.

const ink = [42, 63, 95];
/** Pixels in the box drawn in (about) the text colour. */
function inkIn(png: PNG, x0: number, x1: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if ([0, 1, 2].every((c) => Math.abs(png.data[i + c]! - ink[c]!) <= 12)) n++;
    }
  }
  return n;
}

describe('wrapWords', () => {
  test('breaks at spaces, splits words longer than a line, keeps text that fits', () => {
    assert.deepEqual(wrapWords('[0.6, 0.8)', 9), ['[0.6,', '0.8)']);
    assert.deepEqual(wrapWords('short', 9), ['short']);
    assert.deepEqual(wrapWords('abcdefghijkl mn', 5), ['abcde', 'fghij', 'kl mn']);
  });
});

describe('long text in static figures', () => {
  const table = aq.table({ v: [0, 0.1, 0.2, 1] });
  const title = 'Mean pixel distance to the 5 nearest same-class S_S images, per memorization level of the candidates';

  test('a title wider than the figure wraps onto a second line, nothing drawn past the edges', () => {
    const png = PNG.sync.read(Buffer.from(figurePng(histogramFigure(table, { x: 'v', bins: 2, title }), { width: 640, height: 400 })));
    const line = 9 * 2 + 4; // glyph rows at font scale 2, plus the gap
    assert.equal(inkIn(png, 0, 2, 0, 8 + 2 * line), 0, 'no title pixels at the left edge');
    assert.equal(inkIn(png, png.width - 2, png.width, 0, 8 + 2 * line), 0, 'no title pixels at the right edge');
    assert.ok(inkIn(png, 0, png.width, 8, 8 + line) > 0, 'first title line');
    assert.ok(inkIn(png, 0, png.width, 8 + line, 8 + 2 * line) > 0, 'second title line');
  });

  test('a caption wider than its image wraps under it (the grid grows by a caption line)', () => {
    const images = { values: new Float32Array(2 * 28 * 28), shape: [2, 28, 28, 1] };
    const short = PNG.sync.read(Buffer.from(imageGridPng(images, { columns: 2, scale: 2, padding: 0, captions: ['0.5', '0.6'] })));
    const long = PNG.sync.read(Buffer.from(imageGridPng(images, { columns: 2, scale: 2, padding: 0, captions: ['[0.6, 0.8)', '[0.8, 1.0]'] })));
    assert.equal(long.height, short.height + 11);
    let text = 0; // caption pixels (the images are black, the background white; captions may sit on half pixels)
    for (let y = 56 + 11; y < 56 + 22; y++) for (let x = 0; x < 56; x++) if (long.data[(y * long.width + x) * 4]! < 250) text++;
    assert.ok(text > 20, 'the second line of the first caption');
  });
});
