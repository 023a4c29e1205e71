import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { describeSplit, splitSets, trainSetOf, type SplitSets } from '../../src/data/splits';
import { InputError } from '../../src/util/errors';

function assertSortedUniqueIn(ids: Int32Array, n: number): void {
  for (let i = 0; i < ids.length; i++) {
    assert.ok(Number.isInteger(ids[i]) && ids[i] >= 0 && ids[i] < n, `id ${ids[i]} in [0, ${n})`);
    if (i > 0) assert.ok(ids[i] > ids[i - 1], 'sorted and unique');
  }
}

function assertDisjoint(split: SplitSets): void {
  const seen = new Set<number>();
  for (const ids of [split.S_S, split.S_C, split.S_I]) {
    for (const id of ids) {
      assert.ok(!seen.has(id), `id ${id} in two train sets`);
      seen.add(id);
    }
  }
}

describe('splitSets', () => {
  test('paper defaults: 80/10/10 of the train split, S_E as large as S_C from the test split', () => {
    const split = splitSets(50000, 10000, { seed: 1 });
    assert.equal(split.S_S.length, 40000);
    assert.equal(split.S_C.length, 5000);
    assert.equal(split.S_I.length, 5000);
    assert.equal(split.S_E.length, 5000);
    assertDisjoint(split);
    for (const ids of [split.S_S, split.S_C, split.S_I]) assertSortedUniqueIn(ids, 50000);
    assertSortedUniqueIn(split.S_E, 10000);
    assert.equal(split.nTrain, 50000);
    assert.equal(split.nTest, 10000);
    assert.equal(split.seed, 1);
  });

  test('reproducible with a seed, different with another', () => {
    const a = splitSets(1000, 300, { seed: 7, trainSize: 500 });
    const b = splitSets(1000, 300, { seed: 7, trainSize: 500 });
    const c = splitSets(1000, 300, { seed: 8, trainSize: 500 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.S_C, c.S_C);
    assert.notDeepEqual(a.S_E, c.S_E);
  });

  test('trainSize takes a random subset; extraSize only changes S_E', () => {
    const split = splitSets(60000, 10000, { seed: 3, trainSize: 12000, extraSize: 1500 });
    assert.deepEqual([split.S_S.length, split.S_C.length, split.S_I.length, split.S_E.length], [9600, 1200, 1200, 1500]);
    assertDisjoint(split);
    // Drawn from all of the train split, not just its first 12000.
    const all = [...split.S_S, ...split.S_C, ...split.S_I];
    assert.ok(Math.max(...all) > 50000);
    const other = splitSets(60000, 10000, { seed: 3, trainSize: 12000, extraSize: 10 });
    assert.deepEqual(other.S_C, split.S_C);
    assert.deepEqual(other.S_S, split.S_S);
    assert.equal(other.S_E.length, 10);
  });

  test('fractions below 1 leave images unused, sizes round down, extraSize is capped by the test split', () => {
    const split = splitSets(101, 3, { seed: 0, fractions: { shared: 0.5, candidate: 0.25, independent: 0.25 } });
    assert.deepEqual([split.S_S.length, split.S_C.length, split.S_I.length], [50, 25, 25]);
    assert.equal(split.S_E.length, 3);
    const partial = splitSets(100, 50, { seed: 0, fractions: { shared: 0.3, candidate: 0.1, independent: 0.1 } });
    assert.deepEqual([partial.S_S.length, partial.S_C.length, partial.S_I.length, partial.S_E.length], [30, 10, 10, 10]);
    // Floating point: 0.29 * 100 = 28.999999999999996 still gives 29.
    assert.equal(splitSets(100, 0, { seed: 0, fractions: { shared: 0.29, candidate: 0.1, independent: 0.1 } }).S_S.length, 29);
  });

  test('stratified: each set has the class mix of its split, within two images', () => {
    const nTrain = 3000;
    const trainLabels = Int32Array.from({ length: nTrain }, (_, i) => (i < 1500 ? 0 : i < 2400 ? 1 : 2));
    const testLabels = Int32Array.from({ length: 900 }, (_, i) => i % 3);
    const split = splitSets(nTrain, 900, { seed: 5, trainSize: 2000, stratified: true, trainLabels, testLabels, extraSize: 300 });
    assertDisjoint(split);
    const share = [0.5, 0.3, 0.2];
    for (const [name, ids] of [['S_S', split.S_S], ['S_C', split.S_C], ['S_I', split.S_I]] as const) {
      const counts = [0, 0, 0];
      for (const id of ids) counts[trainLabels[id]]++;
      counts.forEach((count, k) => assert.ok(Math.abs(count - share[k] * ids.length) <= 2, `${name} class ${k}: ${count} of ${ids.length}`));
    }
    const extra = [0, 0, 0];
    for (const id of split.S_E) extra[testLabels[id]]++;
    extra.forEach((count) => assert.ok(Math.abs(count - 100) <= 2, `S_E ${extra}`));
    assert.deepEqual(split, splitSets(nTrain, 900, { seed: 5, trainSize: 2000, stratified: true, trainLabels, testLabels, extraSize: 300 }));
  });

  test('bad options are InputErrors saying what was expected', () => {
    const is = (pattern: RegExp) => (e: unknown) => e instanceof InputError && pattern.test(e.message);
    assert.throws(() => splitSets(100, 10, { seed: 1, fractions: { shared: 0.8, candidate: 0.2, independent: 0.1 } }), is(/fractions: expected shares summing to at most 1, found 0\.8 \+ 0\.2 \+ 0\.1/));
    assert.throws(() => splitSets(100, 10, { seed: 1, trainSize: 101 }), is(/trainSize: expected an integer in \[1, 100\]/));
    assert.throws(() => splitSets(100, 10, { seed: 1, trainSize: 50.5 }), is(/trainSize: .*found 50\.5/));
    assert.throws(() => splitSets(100, 10, { seed: 1, extraSize: 11 }), is(/extraSize: expected an integer in \[0, 10\]/));
    assert.throws(() => splitSets(100, 10, { seed: 1, fractions: { shared: -0.1, candidate: 0.1, independent: 0.1 } }), is(/fractions\.shared: expected a number in \[0, 1\]/));
    assert.throws(() => splitSets(5, 10, { seed: 1 }), is(/fractions\.candidate: expected a share giving at least 1 of 5 images/));
    assert.throws(() => splitSets(0, 10, { seed: 1 }), is(/nTrain: expected a positive integer, found 0/));
    assert.throws(() => splitSets(100, 10, { seed: 0.5 }), is(/seed: expected an integer/));
    assert.throws(() => splitSets(100, 10, { seed: 1, stratified: true }), is(/trainLabels: expected 100 labels \(needed when stratified\), found none/));
    assert.throws(() => splitSets(100, 10, { seed: 1, stratified: true, trainLabels: new Int32Array(99) }), is(/expected 100 labels \(one per image\), found 99/));
  });
});

describe('trainSetOf and describeSplit', () => {
  const split = splitSets(200, 40, { seed: 2 });

  test('f trains on S_S + S_C, g on S_S + S_I, same size, sorted', () => {
    const f = trainSetOf('f', split);
    const g = trainSetOf('g', split);
    assert.equal(f.length, 180);
    assert.equal(g.length, 180);
    assert.deepEqual([...f], [...split.S_S, ...split.S_C].sort((a, b) => a - b));
    assert.deepEqual([...g], [...split.S_S, ...split.S_I].sort((a, b) => a - b));
    const inF = new Set(f);
    assert.ok(split.S_I.every((id) => !inF.has(id)));
    assert.throws(() => trainSetOf('h' as 'f', split), /trainSetOf encoder: expected 'f' or 'g', found "h"/);
  });

  test('describeSplit is one row per set with counts', () => {
    assert.deepEqual(describeSplit(split), [
      { set: 'S_S', source: 'train', seenBy: 'f and g', count: 160 },
      { set: 'S_C', source: 'train', seenBy: 'f', count: 20 },
      { set: 'S_I', source: 'train', seenBy: 'g', count: 20 },
      { set: 'S_E', source: 'test', seenBy: 'neither', count: 20 },
    ]);
  });
});
