import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import {
  mostMemorized,
  mostMemorizedPerClass,
  proportionalClassCounts,
  randomSubset,
  randomWithClassCounts,
  scoredWithout,
  subsetClassCounts,
} from '../../src/measure/subset-selection';

// 20 points (ids 100..119) in three classes of 10, 6 and 4 points; class 0 holds the highest
// scores, so the overall most memorized points are skewed towards it.
const ids = Array.from({ length: 20 }, (_, i) => 100 + i);
const labels = ids.map((_, i) => (i < 10 ? 0 : i < 16 ? 1 : 2));
const score = ids.map((_, i) => (i < 10 ? 1 + i / 10 : i < 16 ? (i - 10) / 10 : -(i - 16) / 10));
const scores = aq.table({ id: ids, label: labels, score_raw: score });
const pool = Int32Array.from(ids);

describe('class controls of a memorized subset', () => {
  test('the memorized subset is class-skewed: its 6 points are all of class 0', () => {
    assert.deepEqual([...subsetClassCounts(scores, mostMemorized(scores, 6))], [[0, 6]]);
    assert.throws(() => subsetClassCounts(scores, [999]), /subsetClassCounts ids\[0\]: expected an id of the scores table/);
  });

  test('random with class counts: exactly the memorized class counts, seeded, sorted, within the pool', () => {
    const top = mostMemorized(scores, 10);
    const a = randomWithClassCounts(scores, Int32Array.from([100, 101, 110, 116]), 3);
    assert.deepEqual([...subsetClassCounts(scores, a)], [[0, 2], [1, 1], [2, 1]]);
    assert.deepEqual(Array.from(a), Array.from(a).sort((x, y) => x - y));
    assert.deepEqual(Array.from(randomWithClassCounts(scores, Int32Array.from([100, 101, 110, 116]), 3)), Array.from(a), 'same seed, same subset');
    const draws = new Set(Array.from({ length: 8 }, (_, s) => Array.from(randomWithClassCounts(scores, Int32Array.from([100, 101, 110, 116]), s)).join(',')));
    assert.ok(draws.size > 1, 'other seeds draw other points');
    const chosen = Int32Array.from([100, 101, 110, 116]);
    const differs = Array.from({ length: 8 }, (_, seed) => Array.from(randomWithClassCounts(scores, chosen, seed, { stream: 'scoring 1' })).join() !== Array.from(randomWithClassCounts(scores, chosen, seed)).join());
    assert.ok(differs.some(Boolean), 'another stream draws other points');
    assert.throws(() => randomWithClassCounts(aq.table({ id: ids, score_raw: score }), top, 0), /columns id and label/);
  });

  test('proportional class counts: each class its share of the pool, largest remainders, summing to k', () => {
    assert.deepEqual([...proportionalClassCounts(scores, 10)], [[0, 5], [1, 3], [2, 2]]);
    assert.deepEqual([...proportionalClassCounts(scores, 5)], [[0, 3], [1, 1], [2, 1]], '2.5, 1.5, 1.0: floors 2, 1, 1 and the one point left to the lower of the tied remainders');
    for (let k = 0; k <= 20; k++) assert.equal([...proportionalClassCounts(scores, k).values()].reduce((a, b) => a + b, 0), k, `k = ${k}`);
    assert.throws(() => proportionalClassCounts(scores, 21), /proportionalClassCounts k: expected an integer in 0\.\.20/);
  });

  test('most memorized per class: the top of each class by its pool share, not the overall top', () => {
    const per = mostMemorizedPerClass(scores, 10);
    assert.deepEqual(Array.from(per), [105, 106, 107, 108, 109, 113, 114, 115, 116, 117]);
    assert.deepEqual([...subsetClassCounts(scores, per)], [[0, 5], [1, 3], [2, 2]]);
    assert.notDeepEqual(Array.from(per), Array.from(mostMemorized(scores, 10)));
    assert.deepEqual(Array.from(mostMemorizedPerClass(scores, 10)), Array.from(per), 'deterministic');
    assert.throws(() => mostMemorizedPerClass(scores, -1), /mostMemorizedPerClass k: expected an integer in 0\.\.20/);
    assert.throws(() => mostMemorizedPerClass(aq.table({ id: ids, label: labels }), 2), /columns id and score_raw/);
  });

  test('scored without: the complement, sorted', () => {
    const keep = scoredWithout(scores, mostMemorizedPerClass(scores, 10));
    assert.equal(keep.length, 10);
    assert.ok(Array.from(keep).every((id) => !mostMemorizedPerClass(scores, 10).includes(id)));
  });
});

describe('random subsets of another scoring', () => {
  test('without a stream the draw is the seed\'s own (unchanged); a stream draws another subset, deterministically', () => {
    const own = randomSubset(pool, 8, 0);
    assert.deepEqual(Array.from(randomSubset(pool, 8, 0, {})), Array.from(own));
    const other = randomSubset(pool, 8, 0, { stream: 'scoring 1' });
    assert.notDeepEqual(Array.from(other), Array.from(own));
    assert.deepEqual(Array.from(randomSubset(pool, 8, 0, { stream: 'scoring 1' })), Array.from(other));
    assert.notDeepEqual(Array.from(randomSubset(pool, 8, 0, { stream: 'scoring 2' })), Array.from(other));
  });
});
