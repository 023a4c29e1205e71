import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { concatPoints, perSeedScores, scoreColumnNames, scoreColumns, scoreTable, seedMean } from '../../src/measure/score-table';
import { seedAveragedScores } from '../../src/measure/seed-averaged-scores';
import { scoreNormalizations } from '../../src/memorization/normalize-scores';
import { InputError } from '../../src/util/errors';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('scoreColumns', () => {
  const alignF = [0.5, 0.25, 0.75, 0.1, 0];
  const alignG = [0.75, 0.25, 0.5, 0.4, 0];
  const sets = ['S_C', 'S_C', 'S_S', 'S_C', 'S_E'];

  test('raw = g - f, ratio = raw / (g + f) (0 where both are 0), range over the S_C points, against a naive loop', () => {
    const c = scoreColumns(alignF, alignG, { sets });
    const raw = alignF.map((f, i) => Math.fround(alignG[i] - f));
    const candidates = raw.filter((_, i) => sets[i] === 'S_C');
    const spread = Math.max(...candidates) - Math.min(...candidates);
    assert.deepEqual(c.score_raw, raw);
    assert.deepEqual(c.score_range, raw.map((r) => Math.fround(r / spread)));
    assert.deepEqual(c.score_ratio, alignF.map((f, i) => (alignG[i] === f ? 0 : Math.fround((alignG[i] - f) / (alignG[i] + f)))));
  });

  test('the range falls back to all points when fewer than two are S_C', () => {
    const oneCandidate = scoreColumns(alignF, alignG, { sets: ['S_C', 'S_S', 'S_S', 'S_I', 'S_E'] });
    const none = scoreColumns(alignF, alignG);
    const raw = none.score_raw;
    const spread = Math.max(...raw) - Math.min(...raw);
    assert.deepEqual(none.score_range, raw.map((r) => Math.fround(r / spread)));
    assert.deepEqual(oneCandidate.score_range, none.score_range);
  });

  test('float64 keeps every digit', () => {
    const f = [1 / 3, 0.1];
    const g = [2 / 3, 0.2];
    const c = scoreColumns(f, g, { precision: 'float64' });
    assert.deepEqual(c.score_raw, [2 / 3 - 1 / 3, 0.2 - 0.1]);
    assert.deepEqual(c.score_ratio, [(2 / 3 - 1 / 3) / (2 / 3 + 1 / 3), (0.2 - 0.1) / (0.2 + 0.1)]);
  });

  test('mismatched lengths say what was expected and where', () => {
    assert.throws(() => scoreColumns([1, 2], [1]), (e: unknown) => e instanceof InputError && /scoreColumns: alignG: expected 2 values/.test(e.message));
    assert.throws(() => scoreColumns([1, 2], [1, 2], { sets: ['S_C'] }), (e: unknown) => e instanceof InputError && /options.sets: expected 2 sets/.test(e.message));
  });
});

describe('seedMean', () => {
  const perSeed = [f32([0.1, 0.2]), f32([0.3, 0.5]), f32([0.7, 0.9])];
  test('the per-point mean over all or some seeds, rounded to 32 bits unless float64', () => {
    assert.deepEqual(seedMean(perSeed), [0, 1].map((i) => Math.fround((perSeed[0][i] + perSeed[1][i] + perSeed[2][i]) / 3)));
    assert.deepEqual(seedMean(perSeed, { seeds: [2, 0], precision: 'float64' }), [0, 1].map((i) => (perSeed[2][i] + perSeed[0][i]) / 2));
    assert.throws(() => seedMean(perSeed, { seeds: [3] }), (e: unknown) => e instanceof InputError && /seeds\[0\]: expected a position in 0..2/.test(e.message));
  });
});

describe('seedAveragedScores', () => {
  test('mean g - mean f and the ratio, in 64-bit arithmetic, over the chosen seeds', () => {
    const losses = [f32([0.1, 0.4]), f32([0.3, 0.2]), f32([0.5, 0.4]), f32([0.2, 0.8])];
    const f = [0, 1].map((i) => (losses[0][i] + losses[1][i]) / 2);
    const g = [0, 1].map((i) => (losses[2][i] + losses[3][i]) / 2);
    assert.deepEqual(seedAveragedScores(losses, [0, 1], 'raw'), [0, 1].map((i) => g[i] - f[i]));
    assert.deepEqual(seedAveragedScores(losses, [0, 1], 'ratio'), [0, 1].map((i) => (g[i] - f[i]) / (g[i] + f[i])));
    assert.deepEqual(seedAveragedScores(losses, [1], 'raw'), [losses[3][0] - losses[1][0], losses[3][1] - losses[1][1]]);
  });
});

describe('scoreTable', () => {
  test('columns in order, means over the seeds, extra columns before and after', () => {
    const t = scoreTable(
      { id: [4, 9, 2], set: ['S_C', 'S_C', 'S_E'], label: [1, 0, 1], perF: [f32([0.1, 0.2, 0.3]), f32([0.3, 0.2, 0.1])], perG: [f32([0.4, 0.2, 0.3])] },
      { before: { layer: ['a', 'a', 'a'] }, after: { fold: [0, 1, 0] } },
    );
    assert.deepEqual(t.columnNames(), ['layer', 'id', 'set', 'label', 'align_f', 'align_g', ...scoreColumnNames, 'fold']);
    assert.deepEqual(t.array('align_f'), [0.2, 0.2, 0.2].map((_, i) => Math.fround((Math.fround([0.1, 0.2, 0.3][i]) + Math.fround([0.3, 0.2, 0.1][i])) / 2)));
    const c = scoreColumns(t.array('align_f') as number[], t.array('align_g') as number[], { sets: ['S_C', 'S_C', 'S_E'] });
    for (const name of scoreColumnNames) assert.deepEqual(t.array(name), c[name], name);
    assert.throws(() => scoreTable({ id: [1], set: ['S_C'], label: [0], perF: [], perG: [f32([1])] }), (e: unknown) => e instanceof InputError && /at least one encoder on each side/.test(e.message));
    assert.throws(() => scoreTable({ id: [1], set: ['S_C'], label: [0], perF: [f32([1])], perG: [f32([1])] }, { after: { fold: [0, 1] } }), (e: unknown) => e instanceof InputError && /column fold: expected 1 values/.test(e.message));
  });

  test('keeps each seed\'s raw score g - f as the last columns, named by seed, and leaves every other column as it was', () => {
    const rows = { id: [4, 9, 2], set: ['S_C', 'S_C', 'S_E'], label: [1, 0, 1], perF: [f32([0.1, 0.2, 0.3]), f32([0.3, 0.2, 0.1])], perG: [f32([0.4, 0.2, 0.3]), f32([0.7, 0.1, 0.2])] };
    const t = scoreTable(rows, { after: { fold: [0, 1, 0] }, seeds: [3, 7] });
    assert.deepEqual(t.columnNames(), ['id', 'set', 'label', 'align_f', 'align_g', ...scoreColumnNames, 'fold', 'raw_seed3', 'raw_seed7']);
    rows.perF.forEach((f, k) => assert.deepEqual(t.array(`raw_seed${[3, 7][k]}`), Array.from(f, (v, i) => Math.fround(rows.perG[k][i] - v))));
    // The columns before them are those of the table of the mean scores alone.
    const means = scoreColumns(seedMean(rows.perF), seedMean(rows.perG), { sets: rows.set });
    for (const name of scoreColumnNames) assert.deepEqual(t.array(name), means[name], name);
    assert.deepEqual(perSeedScores(t), { seeds: [3, 7], scores: [3, 7].map((s) => Float64Array.from(t.array(`raw_seed${s}`) as number[])) });
    // Default names are the positions; with one seed its column is score_raw.
    assert.deepEqual(perSeedScores(scoreTable(rows)).seeds, [0, 1]);
    const one = scoreTable({ ...rows, perF: rows.perF.slice(0, 1), perG: rows.perG.slice(0, 1) });
    assert.deepEqual(one.array('raw_seed0'), one.array('score_raw'));
    // Unequal f and g counts: no pairs, no per-seed columns.
    assert.deepEqual(perSeedScores(scoreTable({ ...rows, perG: rows.perG.slice(0, 1) })).seeds, []);
    const refused = (seeds: number[], pattern: RegExp) => assert.throws(() => scoreTable(rows, { seeds }), (e: unknown) => e instanceof InputError && pattern.test(e.message));
    refused([1, 1], /options.seeds: expected distinct seeds/);
    refused([1], /options.seeds: expected 2 seeds/);
    refused([1, -2], /options.seeds\[1\]: expected a non-negative integer/);
  });

  test('concatPoints joins per-set arrays in order', () => {
    assert.deepEqual(Array.from(concatPoints([f32([1, 2]), f32([]), f32([3])])), [1, 2, 3]);
  });

  test('the score columns follow the one list of normalisations', () => {
    assert.deepEqual(scoreColumnNames, scoreNormalizations.map((n) => `score_${n}`));
  });
});

describe('one score-table builder', () => {
  // The kernels (memorization/) define the normalisations; above them only score-table.ts may apply them.
  const root = resolve(__dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });
  test('no file above memorization/ but measure/score-table.ts normalises scores or spells out the list of normalisations', () => {
    const offenders = files(root)
      .filter((f) => !relative(root, f).startsWith('memorization/') && relative(root, f) !== 'measure/score-table.ts')
      .filter((f) => /\b(rangeNormalize|ratioNormalize|normalizeScores|sslmemScores)\(|'raw',\s*'range',\s*'ratio'|'score_raw',\s*'score_range',\s*'score_ratio'\]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    assert.deepEqual(offenders, []);
  });
});
