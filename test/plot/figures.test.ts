import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { barFigure } from '../../src/plot/bar-figure';
import { boxFigure } from '../../src/plot/box-figure';
import { defaultColorway } from '../../src/plot/figure';
import { histogramFigure } from '../../src/plot/histogram-figure';
import { lineFigure } from '../../src/plot/line-figure';
import { scatterFigure } from '../../src/plot/scatter-figure';
import { InputError } from '../../src/util/errors';

const scores = aq.table({
  id: [0, 1, 2, 3, 4, 5],
  set: ['extra', 'candidate', 'extra', 'candidate', 'extra', 'candidate'],
  score: [0.5, 2, -1, 3, 0, 1.5],
  epoch: Float64Array.from([2, 1, 0, 2, 1, 0]),
});

/** A figure must survive JSON (the notebook sends it as JSON): no typed arrays, no undefined. */
function assertJsonSafe(fig: unknown): void {
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
}

describe('histogramFigure', () => {
  test('one trace per colour group, shared explicit bins covering the data', () => {
    const fig = histogramFigure(scores, { x: 'score', color: 'set', bins: 4 });
    assert.deepEqual(fig.data.map((t) => t.name), ['extra', 'candidate']);
    assert.deepEqual(fig.data[0]!.x, [0.5, -1, 0]);
    assert.deepEqual(fig.data[1]!.x, [2, 3, 1.5]);
    const bins = fig.data.map((t) => t.xbins as { start: number; end: number; size: number });
    assert.deepEqual(bins[0], bins[1]);
    assert.equal(bins[0]!.start, -1);
    assert.ok(bins[0]!.end > 3 && bins[0]!.end < 3 + 1e-6, 'max inside the last bin');
    assert.ok(Math.abs(bins[0]!.size - 1) < 1e-6);
    assert.equal(fig.layout.barmode, 'overlay');
    assert.deepEqual(fig.data.map((t) => t.opacity), [0.6, 0.6]);
    assert.deepEqual(fig.data.map((t) => t.marker?.color), defaultColorway.slice(0, 2));
    assert.equal(fig.data[0]!.histnorm, undefined, 'count is plotly\'s default, left out');
    assert.equal(fig.layout.xaxis?.title?.text, 'score');
    assert.equal(fig.layout.yaxis?.title?.text, 'count');
    assertJsonSafe(fig);
  });

  test('without colour: one unnamed opaque trace, no legend; histnorm and range pass through', () => {
    const fig = histogramFigure(scores, { x: 'score', histnorm: 'probability', range: [-2, 4], bins: 3 });
    assert.equal(fig.data.length, 1);
    assert.equal(fig.data[0]!.name, undefined);
    assert.equal(fig.data[0]!.opacity, 1);
    assert.equal(fig.data[0]!.histnorm, 'probability');
    assert.equal((fig.data[0]!.xbins as { start: number }).start, -2);
    assert.equal(fig.layout.showlegend, false);
  });

  test('numeric colour groups are ordered by value; colorOrder overrides', () => {
    assert.deepEqual(histogramFigure(scores, { x: 'score', color: 'epoch' }).data.map((t) => t.name), ['0', '1', '2']);
    assert.deepEqual(histogramFigure(scores, { x: 'score', color: 'set', colorOrder: ['candidate'] }).data.map((t) => t.name), ['candidate', 'extra']);
  });

  test('a missing column is an InputError listing the columns', () => {
    assert.throws(() => histogramFigure(scores, { x: 'nope' }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /histogramFigure: option x/);
      assert.match(e.message, /id, set, score, epoch/);
      assert.match(e.message, /"nope"/);
      return true;
    });
    assert.throws(() => histogramFigure(scores, { x: 'score', bins: 0 }), /bins: expected a positive integer/);
  });
});

describe('lineFigure', () => {
  test('one line per group, points sorted by x, typed-array columns become plain arrays', () => {
    const fig = lineFigure(scores, { x: 'epoch', y: 'score', color: 'set' });
    assert.deepEqual(fig.data.map((t) => t.name), ['extra', 'candidate']);
    assert.deepEqual(fig.data[0]!.x, [0, 1, 2]);
    assert.deepEqual(fig.data[0]!.y, [-1, 0, 0.5]);
    assert.deepEqual(fig.data[1]!.x, [0, 1, 2]);
    assert.deepEqual(fig.data[1]!.y, [1.5, 2, 3]);
    assert.ok(Array.isArray(fig.data[0]!.x));
    assert.equal(fig.data[0]!.mode, 'lines');
    assert.equal(fig.data[0]!.line?.color, fig.data[0]!.marker?.color);
    assertJsonSafe(fig);
  });

  test('table order kept with sortX false; error bars and markers; log axis', () => {
    const fig = lineFigure(scores, { x: 'epoch', y: 'score', sortX: false, errorY: 'id', markers: true, logY: true, title: 't' });
    assert.deepEqual(fig.data[0]!.x, [2, 1, 0, 2, 1, 0]);
    assert.deepEqual((fig.data[0]!.error_y as { array: number[] }).array, [0, 1, 2, 3, 4, 5]);
    assert.equal(fig.data[0]!.mode, 'lines+markers');
    assert.equal(fig.layout.yaxis?.type, 'log');
    assert.equal(fig.layout.xaxis?.type, undefined);
    assert.deepEqual(fig.layout.title, { text: 't' });
  });
});

describe('scatterFigure', () => {
  test('markers per group with hover text and size', () => {
    const fig = scatterFigure(scores, { x: 'epoch', y: 'score', color: 'set', text: 'id', size: 9 });
    assert.equal(fig.data[0]!.mode, 'markers');
    assert.deepEqual(fig.data[1]!.text, ['1', '3', '5']);
    assert.equal(fig.data[1]!.marker?.size, 9);
    assert.equal(fig.data[1]!.marker?.color, defaultColorway[1]);
    assert.deepEqual(fig.data[1]!.x, [1, 2, 0], 'scatter keeps table order');
    assertJsonSafe(fig);
  });

  test('custom colours cycle', () => {
    const fig = scatterFigure(scores, { x: 'epoch', y: 'score', color: 'epoch', colors: ['#000000', '#ffffff'] });
    assert.deepEqual(fig.data.map((t) => t.marker?.color), ['#000000', '#ffffff', '#000000']);
  });
});

describe('boxFigure', () => {
  test('boxes per category, grouped by colour', () => {
    const fig = boxFigure(scores, { x: 'set', y: 'score', color: 'epoch' });
    assert.equal(fig.data.length, 3);
    assert.equal(fig.data[0]!.type, 'box');
    assert.deepEqual(fig.data[0]!.x, ['extra', 'candidate']);
    assert.deepEqual(fig.data[0]!.y, [-1, 1.5]);
    assert.equal(fig.layout.boxmode, 'group');
    assert.equal(fig.layout.xaxis?.type, 'category');
    assert.equal(fig.data[0]!.boxpoints, 'outliers');
  });

  test('a single box without x', () => {
    const fig = boxFigure(scores, { y: 'score', points: false });
    assert.equal(fig.data.length, 1);
    assert.equal(fig.data[0]!.x, undefined);
    assert.equal(fig.data[0]!.boxpoints, false);
    assert.equal(fig.layout.boxmode, undefined);
  });
});

describe('barFigure', () => {
  test('string x is categorical; groups side by side with error bars', () => {
    const fig = barFigure(scores, { x: 'set', y: 'score', color: 'epoch', errorY: 'id' });
    assert.equal(fig.layout.xaxis?.type, 'category');
    assert.equal(fig.layout.barmode, 'group');
    assert.deepEqual(fig.data[2]!.x, ['extra', 'candidate']);
    assert.deepEqual(fig.data[2]!.y, [0.5, 3]);
    assert.deepEqual((fig.data[2]!.error_y as { array: number[] }).array, [0, 3]);
  });

  test('numeric x stays numeric unless categorical is asked', () => {
    assert.equal(barFigure(scores, { x: 'epoch', y: 'score' }).layout.xaxis?.type, undefined);
    const fig = barFigure(scores, { x: 'epoch', y: 'score', categorical: true, barmode: 'stack' });
    assert.equal(fig.layout.xaxis?.type, 'category');
    assert.deepEqual(fig.data[0]!.x, ['2', '1', '0', '2', '1', '0']);
    assert.equal(fig.layout.barmode, 'stack');
  });
});
