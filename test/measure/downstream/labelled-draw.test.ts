import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelledDraw } from '../../../src/measure/downstream/labelled-draw';
import { InputError } from '../../../src/util/errors';

// 3 classes of unequal size (class 2 is the smallest: 4 rows), in a scrambled order.
const labels = [0, 1, 2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 1, 0, 2, 1, 0, 1, 0, 1];

function perClassCounts(rows: Int32Array): number[] {
  const counts = [0, 0, 0];
  for (const r of rows) counts[labels[r]]++;
  return counts;
}

describe('labelledDraw', () => {
  test('exactly perClass distinct rows of every class, sorted, for every draw', () => {
    for (const perClass of [1, 3, 4]) {
      for (let draw = 0; draw < 5; draw++) {
        const rows = labelledDraw(labels, { perClass, seed: 7, draw });
        assert.deepEqual(perClassCounts(rows), [perClass, perClass, perClass], `perClass ${perClass} draw ${draw}`);
        assert.equal(new Set(rows).size, rows.length, 'no row twice');
        assert.deepEqual(Array.from(rows), Array.from(rows).sort((a, b) => a - b));
        assert.ok(rows.every((r) => r >= 0 && r < labels.length));
      }
    }
  });

  test('the same seed and draw give the same rows; another draw or seed other rows', () => {
    const first = labelledDraw(labels, { perClass: 2, seed: 7, draw: 0 });
    assert.deepEqual(labelledDraw(labels, { perClass: 2, seed: 7, draw: 0 }), first);
    const draws = Array.from({ length: 6 }, (_, draw) => Array.from(labelledDraw(labels, { perClass: 2, seed: 7, draw })).join(' '));
    assert.ok(new Set(draws).size > 1, 'draws differ');
    const seeds = Array.from({ length: 6 }, (_, seed) => Array.from(labelledDraw(labels, { perClass: 2, seed, draw: 0 })).join(' '));
    assert.ok(new Set(seeds).size > 1, 'seeds differ');
  });

  test('perClass above the smallest class, below 1 or fractional is refused, naming the field', () => {
    for (const perClass of [5, 0, 1.5]) {
      assert.throws(
        () => labelledDraw(labels, { perClass, seed: 0, draw: 0, where: 'few-label-probe settings' }),
        (e: unknown) => e instanceof InputError && e.where === 'few-label-probe settings.perClass' && /an integer from 1 to 4 \(the smallest class count among the 20 rows/.test(e.message),
        String(perClass),
      );
    }
    assert.throws(() => labelledDraw([], { perClass: 1, seed: 0, draw: 0 }), InputError);
  });
});
