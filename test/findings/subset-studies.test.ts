import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { coresetRuns, coresetVerdict, defaultCoresetFractions } from '../../src/findings/coreset-study';
import { defaultRemovedFractions, removalRuns, removalVerdict } from '../../src/findings/removal-study';
import { mostMemorized, randomSubset, subsetSize, withoutMostMemorized } from '../../src/measure/subset-selection';
import { subsetSummary } from '../../src/findings/subset-study';
import { jobKey } from '../../src/plans/job-key';
import { initBackend } from '../../src/backend';

before(async () => {
  await initBackend();
});

const scores = aq.table({ id: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], score_raw: [0.5, 0.1, 0.9, -0.2, 0.3, 0.9, 0.0, 0.7, -0.5, 0.2] });
const pool = Int32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
const config = withOverrides(preset('quick'), { seeds: [0, 1, 2] });

describe('subset selection', () => {
  test('most memorized: highest scores, ties by id, sorted; the rest is the complement', () => {
    assert.deepEqual(Array.from(mostMemorized(scores, 3)), [12, 15, 17]);
    assert.deepEqual(Array.from(mostMemorized(scores, 1)), [12], 'tie 0.9 goes to the lower id');
    assert.deepEqual(Array.from(withoutMostMemorized(scores, 3)), [10, 11, 13, 14, 16, 18, 19]);
    assert.throws(() => mostMemorized(scores, 11), /k: expected an integer in 0\.\.10/);
    assert.throws(() => mostMemorized(aq.table({ id: [1] }), 1), /columns id and score_raw/);
  });

  test('random subsets: seeded, sorted, from the pool; sizes round', () => {
    const a = randomSubset(pool, 6, 0);
    assert.equal(a.length, 6);
    assert.ok(a.every((id) => pool.includes(id)));
    assert.deepEqual(Array.from(a), Array.from(a).sort((x, y) => x - y));
    assert.deepEqual(Array.from(randomSubset(pool, 6, 0)), Array.from(a));
    assert.equal(subsetSize(1250, 0.96), 1200);
    assert.equal(subsetSize(1250, 0.48), 600);
    assert.throws(() => subsetSize(10, 0), /fraction: expected a number in \(0, 1\]/);
  });
});

describe('coreset and removal plans', () => {
  test('coreset runs: the full pool once per seed, memorized and random subsets per share; random removals are the random coresets', () => {
    const runs = coresetRuns(config, pool, scores, { fractions: [1, 0.8, 0.6], seeds: [0, 1] });
    assert.deepEqual(runs.map((r) => `${r.condition} ${r.size} ${r.seed}`), ['full 10 0', 'full 10 1', 'memorized 8 0', 'random 8 0', 'memorized 8 1', 'random 8 1', 'memorized 6 0', 'random 6 0', 'memorized 6 1', 'random 6 1']);
    const removal = removalRuns(config, pool, scores, { removed: [0.2, 0.4], seeds: [0, 1] });
    assert.deepEqual(removal.filter((r) => r.condition === 'memorized' && r.seed === 0).map((r) => r.job.trainSet), [{ kind: 'ids', ids: Array.from(withoutMostMemorized(scores, 2)) }, { kind: 'ids', ids: Array.from(withoutMostMemorized(scores, 4)) }]);
    const keys = new Set(runs.map((r) => jobKey(r.job)));
    const shared = removal.filter((r) => r.condition !== 'memorized').filter((r) => keys.has(jobKey(r.job)));
    assert.equal(shared.length, removal.filter((r) => r.condition !== 'memorized').length, 'no removal and random removals are coreset runs');
  });

  test("the default removals keep two of the coreset's shares", () => {
    for (const r of defaultRemovedFractions) assert.ok(defaultCoresetFractions.some((f) => Math.abs(f - (1 - r)) < 1e-9), String(r));
  });
});

/** A study table: per kept share and seed one memorized and one random run, with `offset` added to memorized accuracy. */
function table(offset: (kept: number, seed: number) => number, conditions = ['memorized', 'random']) {
  const rows: Array<Record<string, unknown>> = [];
  for (const kept of [0.9, 0.7]) {
    for (const seed of [0, 1, 2]) {
      const base = 0.8 + 0.01 * seed + kept * 0.1;
      rows.push({ condition: conditions[0], kept, size: kept * 100, seed, probe: base + offset(kept, seed), fashion: base });
      rows.push({ condition: conditions[1], kept, size: kept * 100, seed, probe: base, fashion: base + 0.001 * (seed - 1) });
    }
  }
  return aq.from(rows);
}

describe('verdicts', () => {
  test('coreset: memorized above random in every pair holds; a difference of noise around zero does not', () => {
    const up = coresetVerdict({ scores: scores, table: table((k, s) => 0.01 + 0.002 * s), tasks: ['probe', 'fashion'] });
    assert.equal(up.holds, true);
    assert.equal(up.comparisons[0].n, 6);
    assert.equal(up.comparisons[0].wins, 6);
    assert.ok(Math.abs(up.comparisons[0].meanDifference - 0.012) < 1e-9);
    assert.ok(up.comparisons[0].pValue < 0.001);
    assert.match(up.sentence, /keeps accuracy better .*: the claim holds at this scale\.$/);
    const flat = coresetVerdict({ scores: scores, table: table((k, s) => [0.004, -0.003, 0.001][s] * (k > 0.8 ? 1 : -1)), tasks: ['probe'] });
    assert.equal(flat.holds, false);
    assert.match(flat.sentence, /does not keep .*the claim is not confirmed at this scale\.$/);
  });

  test('removal: random above memorized on a task holds there; the verdict names the tasks', () => {
    const study = { scores: scores, table: table((k, s) => -0.02 - 0.001 * s, ['memorized', 'random']), tasks: ['probe', 'fashion'] as const };
    const v = removalVerdict({ ...study, tasks: [...study.tasks] });
    assert.deepEqual(v.holdsOn, ['probe']);
    assert.equal(v.holds, false);
    assert.match(v.sentence, /the claim is not confirmed at this scale: it holds on probe only\.$/);
    const summary = subsetSummary(study.table, ['probe']).objects() as any[];
    assert.equal(summary.length, 4);
    assert.equal(summary[0].kept, 0.9);
    assert.equal(summary[0].seeds, 3);
  });
});
