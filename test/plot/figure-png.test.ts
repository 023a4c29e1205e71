import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { PNG } from 'pngjs';
import { barFigure } from '../../src/plot/bar-figure';
import { boxStats, canRenderPng, figurePng } from '../../src/plot/figure-png';
import { histogramFigure } from '../../src/plot/histogram-figure';
import { lineFigure } from '../../src/plot/line-figure';
import { niceTicks, tickLabel } from '../../src/plot/nice-ticks';
import { InputError } from '../../src/util/errors';

function decode(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

/** Number of pixels of exactly `rgb` in column `x`. */
function columnCount(png: PNG, x: number, rgb: readonly number[]): number {
  let n = 0;
  for (let y = 0; y < png.height; y++) {
    const i = (y * png.width + x) * 4;
    if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) n++;
  }
  return n;
}

/** Tallest run of `rgb` pixels over the columns in [x0, x1). */
function tallest(png: PNG, x0: number, x1: number, rgb: readonly number[]): number {
  let best = 0;
  for (let x = x0; x < x1; x++) best = Math.max(best, columnCount(png, x, rgb));
  return best;
}

describe('figurePng', () => {
  test('histogram bar heights follow the counts (3 : 1)', () => {
    const table = aq.table({ v: [0, 0.1, 0.2, 1] });
    const fig = histogramFigure(table, { x: 'v', bins: 2, colors: ['#ff0000'] });
    const png = decode(figurePng(fig, { width: 300, height: 200 }));
    assert.equal(png.width, 300);
    assert.equal(png.height, 200);
    const heights = Array.from({ length: png.width }, (_, x) => columnCount(png, x, [255, 0, 0])).filter((h) => h > 0);
    const [left, right] = [heights[0]!, heights[heights.length - 1]!];
    assert.ok(left > 20, `left bar drawn (${left} px)`);
    assert.ok(Math.abs(left / right - 3) < 0.15, `heights ${left} and ${right} should be 3 : 1`);
    assert.ok(heights.length > 150, 'the two bars fill the plot width (no gaps between histogram bins)');
  });

  test('every trace colour appears; same figure, same bytes', () => {
    const table = aq.table({ x: [0, 1, 2, 0, 1, 2], y: [1, 2, 3, 3, 2, 1], g: ['a', 'a', 'a', 'b', 'b', 'b'] });
    const fig = lineFigure(table, { x: 'x', y: 'y', color: 'g', colors: ['#ff0000', '#0000ff'], title: 'two lines' });
    const bytes = figurePng(fig);
    assert.deepEqual(figurePng(fig), bytes);
    const png = decode(bytes);
    assert.equal(png.width, 640);
    let red = 0;
    let blue = 0;
    for (let x = 0; x < png.width; x++) {
      red += columnCount(png, x, [255, 0, 0]);
      blue += columnCount(png, x, [0, 0, 255]);
    }
    assert.ok(red > 100 && blue > 100, `red ${red}, blue ${blue}`);
  });

  test('stacked bars reach the sum', () => {
    const table = aq.table({ x: ['a', 'a'], y: [1, 3], g: ['p', 'q'] });
    const colors = ['#ff0000', '#0000ff'];
    const png = decode(figurePng(barFigure(table, { x: 'x', y: 'y', color: 'g', barmode: 'stack', colors }), { width: 200, height: 300 }));
    const r = tallest(png, 0, 200, [255, 0, 0]);
    const b = tallest(png, 0, 200, [0, 0, 255]);
    assert.ok(Math.abs(b / r - 3) < 0.15, `stacked heights ${r} and ${b} should be 1 : 3`);
  });

  test('other trace types are refused', () => {
    const fig = { data: [{ type: 'pie', values: [1] }], layout: {} };
    assert.equal(canRenderPng(fig), false);
    assert.throws(() => figurePng(fig), (e: unknown) => e instanceof InputError && /data\[0\]\.type/.test(e.message) && /"pie"/.test(e.message));
  });
});

describe('boxStats', () => {
  test('quartiles by linear interpolation, whiskers at the furthest data within 1.5 IQR', () => {
    assert.deepEqual(boxStats([9, 1, 8, 2, 7, 3, 6, 4, 5]), { q1: 3, median: 5, q3: 7, low: 1, high: 9 });
    const s = boxStats([1, 2, 3, 4, 100]);
    assert.equal(s.q1, 2);
    assert.equal(s.q3, 4);
    assert.equal(s.high, 4, '100 is an outlier');
    assert.equal(s.low, 1);
    assert.equal(boxStats([1, 2]).median, 1.5);
  });
});

describe('niceTicks', () => {
  test('linear ticks are multiples of 1, 2 or 5 times a power of ten inside the range', () => {
    for (const [lo, hi] of [[0, 1], [-3.7, 12.2], [1000, 1234], [0.001, 0.0047]] as const) {
      const ticks = niceTicks(lo, hi);
      assert.ok(ticks.length >= 3 && ticks.length <= 12, `${lo}..${hi}: ${ticks}`);
      const step = ticks[1]! - ticks[0]!;
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `step ${step}`);
      for (const t of ticks) assert.ok(t >= lo - 1e-12 && t <= hi + 1e-12);
    }
  });

  test('log ticks: decades, or 1-2-5 within few decades', () => {
    assert.deepEqual(niceTicks(-3, 2, true), [-3, -2, -1, 0, 1, 2]);
    const fine = niceTicks(-1.5, 0, true).map((v) => Number((10 ** v).toPrecision(3)));
    assert.deepEqual(fine, [0.05, 0.1, 0.2, 0.5, 1]);
  });

  test('labels drop needless digits', () => {
    assert.equal(tickLabel(0.2, 0.2), '0.2');
    assert.equal(tickLabel(5, 5), '5');
    assert.equal(tickLabel(0.25, 0.05), '0.25');
    assert.equal(tickLabel(2e6, 1e6), '2.0e6');
  });
});
