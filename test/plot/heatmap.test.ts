import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { canRenderPng, figurePng } from '../../src/plot/figure-png';
import { heatmapFigure } from '../../src/plot/heatmap-figure';

describe('heatmapFigure', () => {
  const names = ['a', 'b', 'c'];
  const matrix = [
    [1, 0.2, -0.1],
    [0.2, 1, 0.5],
    [-0.1, 0.5, 1],
  ];

  test('one heatmap trace with the values as cell labels; the colour range from the off-diagonal, with 0', () => {
    const fig = heatmapFigure(matrix, names, { title: 'agreement' });
    assert.equal(fig.data.length, 1);
    const t = fig.data[0] as Record<string, unknown>;
    assert.equal(t.type, 'heatmap');
    assert.deepEqual(t.z, matrix);
    assert.equal(t.zmin, -0.1);
    assert.equal(t.zmax, 0.5);
    assert.deepEqual((t.text as string[][])[1], ['0.20', '1.00', '0.50']);
    assert.throws(() => heatmapFigure([[1, 2]], names), /heatmapFigure matrix: expected 3 x 3 values/);
  });

  test('renders as a PNG of the layout size, cells coloured from low (dark) to high (bright)', () => {
    const fig = heatmapFigure(matrix, names, { width: 300, height: 300 });
    assert.ok(canRenderPng(fig));
    const png = PNG.sync.read(Buffer.from(figurePng(fig)));
    assert.equal(png.width, 300);
    assert.equal(png.height, 300);
    const brightness = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return png.data[i] + png.data[i + 1] + png.data[i + 2];
    };
    // The darkest viridis cell (the lowest value) and the brightest (the diagonal) are both drawn.
    let low = Infinity;
    let high = -Infinity;
    for (let y = 0; y < 300; y += 3) {
      for (let x = 0; x < 300; x += 3) {
        const b = brightness(x, y);
        low = Math.min(low, b);
        high = Math.max(high, b);
      }
    }
    assert.ok(low < 250 && high > 500, `low ${low}, high ${high}`);
  });
});
