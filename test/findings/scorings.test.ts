import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { coresetFinding } from '../../src/findings/coreset';
import { coresetRuns } from '../../src/findings/coreset/plan';
import { coresetSettings, type CoresetSettings } from '../../src/findings/coreset/settings';
import { removalFinding } from '../../src/findings/removal';
import { removalRuns } from '../../src/findings/removal/plan';
import { removalSettings, type RemovalSettings } from '../../src/findings/removal/settings';
import { scoringConfig, scoringSeeds } from '../../src/findings/subset-study';
import { subsetClassCounts, withoutMostMemorized } from '../../src/measure/subset-selection';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { initBackend } from '../../src/backend';
import { recordingRunner } from './record-runs';
import { config, pool } from './subset-fixture';
import { briefTraining, tinyConfig } from './tiny-config';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-scorings-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Scores of the fixture's pool (ids 10..19) with labels: classes 0 (ids 10..15) and 1 (16..19).
const scores = aq.table({ id: Array.from(pool), label: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1], score_raw: [0.5, 0.1, 0.9, -0.2, 0.3, 0.9, 0.0, 0.7, -0.5, 0.2] });
const ids = (run: { job: { trainSet: unknown } }) => (run.job.trainSet as { ids: number[] }).ids;

describe('independent scorings choose their own subsets', () => {
  test('scoring 0 gives today\'s runs; another scoring its own random subsets and no full pool', () => {
    const today = coresetRuns(config, pool, scores, { fractions: [1, 0.6], seeds: [0, 1] });
    const first = coresetRuns(config, pool, scores, { fractions: [1, 0.6], seeds: [0, 1], scoring: 0 });
    assert.deepEqual(first.map((r) => jobKey(r.job)), today.map((r) => jobKey(r.job)));
    assert.ok(today.every((r) => r.scoring === 0));
    const second = coresetRuns(config, pool, scores, { fractions: [1, 0.6], seeds: [0, 1], scoring: 1 });
    assert.deepEqual(second.map((r) => `${r.condition} ${r.seed} ${r.scoring}`), ['memorized 0 1', 'random 0 1', 'memorized 1 1', 'random 1 1']);
    const random = (runs: typeof today, seed: number) => ids(runs.find((r) => r.condition === 'random' && r.seed === seed)!);
    assert.notDeepEqual([random(second, 0), random(second, 1)], [random(today, 0), random(today, 1)], 'the random draws depend on the scoring');
  });

  test('class controls: a random subset with the memorized class counts, and the most memorized within each class', () => {
    const runs = coresetRuns(config, pool, scores, { fractions: [0.4], seeds: [0, 1], controls: true });
    assert.deepEqual(runs.filter((r) => r.seed === 0).map((r) => r.condition), ['memorized', 'random', 'random-matched', 'memorized-per-class']);
    const of = (condition: string, seed = 0) => ids(runs.find((r) => r.condition === condition && r.seed === seed)!);
    assert.deepEqual(of('memorized'), [10, 12, 15, 17]);
    assert.deepEqual([...subsetClassCounts(scores, of('memorized'))], [[0, 3], [1, 1]]);
    for (const seed of [0, 1]) assert.deepEqual([...subsetClassCounts(scores, of('random-matched', seed))], [[0, 3], [1, 1]], `seed ${seed}`);
    assert.deepEqual(of('memorized-per-class'), [12, 15, 17, 19], 'class shares 6:4 of 4 points: 2 and 2 (largest remainder); the top two of each class');
    const removal = removalRuns(config, pool, scores, { removed: [0.4], seeds: [0], controls: true });
    assert.deepEqual(removal.map((r) => r.condition), ['none', 'memorized', 'random', 'random-matched', 'memorized-per-class']);
    assert.deepEqual(ids(removal[1]), Array.from(withoutMostMemorized(scores, 4)));
    assert.deepEqual([...subsetClassCounts(scores, ids(removal[3]))], [...subsetClassCounts(scores, ids(removal[1]))], 'the class-matched removal keeps the memorized removal\'s class counts');
  });

  test('the default is one scoring with config.seeds; bad scorings are named', () => {
    const s = { ...coresetSettings('quick'), scorings: undefined };
    assert.deepEqual(scoringSeeds(s), [s.config.seeds]);
    assert.equal(scoringConfig(s, 0), s.config, 'the default scoring is the config itself (same run keys)');
    assert.deepEqual(scoringConfig({ ...s, scorings: [[0], [5, 6]] }, 1).seeds, [5, 6]);
    assert.throws(() => scoringSeeds({ ...s, scorings: [[0], []] }), /subset settings scorings\[1\]: expected a non-empty list of integer seeds/);
    assert.throws(() => scoringSeeds({ ...s, scorings: [] }), /subset settings scorings: expected a non-empty list/);
  });
});

describe('two scorings and class controls on a tiny synthetic config', () => {
  const tiny = tinyConfig(briefTraining);
  const coreset: CoresetSettings = { ...coresetSettings('quick'), config: tiny, folds: 2, fractions: [1, 0.5], tasks: ['probe'], scorings: [[0], [1]], controls: true };
  const store = runStore(join(dir, 'runs'));

  test('the folds stage trains both scorings\' references; the subsets stage waits for them; the report shows the test across scorings', async () => {
    const lines = coresetFinding.describe(coreset);
    assert.equal(lines.length, 4);
    assert.equal(lines[1], 'primary task: probe (linear probe accuracy); the verdict rests on it, the other tasks are reported beside it');
    assert.match(lines[2], /^scorings: 2 independent scorings of the pool \(reference seeds 0 \| 1\)/);
    assert.match(lines[3], /^class controls: /);
    assert.equal(coresetFinding.describe({ ...coresetSettings('quick'), scorings: undefined }).length, 1, 'one scoring and no controls describe themselves as before');
    const before = await coresetFinding.plan(coreset, { store });
    assert.equal(before.stages[0].jobs?.length, 6, 'per scoring one f and 2 g');
    assert.match(before.stages[0].description, /for 2 independent scorings/);
    assert.equal(before.stages[1].jobs, undefined);
    const { runner, calls } = recordingRunner(store);
    const study = await coresetFinding.run(coreset, { runner });
    assert.equal(calls[0].outcome.trained.length, 6);
    assert.equal(study.scorings?.length, 2);
    assert.deepEqual(study.table.columnNames(), ['condition', 'kept', 'size', 'seed', 'scoring', 'probe']);
    assert.deepEqual(
      study.table.objects().map((r) => `${(r as { condition: string }).condition} ${(r as { scoring: number }).scoring}`),
      ['full 0', 'memorized 0', 'random 0', 'random-matched 0', 'memorized-per-class 0', 'memorized 1', 'random 1', 'random-matched 1', 'memorized-per-class 1'],
    );
    assert.match(study.lines.scores, /^scores for 80 points by 2 independent scorings from 6 encoders/);
    const tables = coresetFinding.summary(study);
    assert.deepEqual(Object.keys(tables), ['scores', 'runs', 'means', 'contrast', 'by_scoring', 'overlap', 'reliability']);
    assert.equal(tables.reliability.numRows(), 0, 'one seed per scoring: no reliability to measure');
    assert.deepEqual(tables.contrast.array('lower'), ['random', 'random-matched', 'random']);
    assert.deepEqual(tables.contrast.array('scorings'), [2, 2, 2]);
    assert.deepEqual(tables.overlap.array('points'), [40]);
    const j = tables.overlap.get('jaccard', 0) as number;
    assert.ok(j >= 0 && j <= 1);
    const verdict = coresetFinding.verdict(study);
    assert.match(verdict.sentence, /with the scoring as the unit, on the primary task \(probe: memorized - random [+-]\d+\.\d\d points averaged within each of 2 scorings/);
    assert.ok(verdict.lines.includes('Reliability of the rankings: not measured (one training seed per scoring).'));
    assert.ok(verdict.lines.some((l) => /^What it would take \(probe, memorized - random\): /.test(l)), verdict.lines.join('\n'));
    assert.deepEqual(verdict.parts.map((p) => p.name), ['probe (primary task): memorized above random across scorings']);
    assert.ok(verdict.lines.some((l) => /^Paired over seeds and scorings \(not the test/.test(l)));
    assert.equal(verdict.lines.filter((l) => l.startsWith('Class control on the primary task (the other tasks: the contrast table), probe: ')).length, 2);
    assert.ok(verdict.lines.some((l) => /^Overlap of the 2 scorings' most memorized points \(mean pairwise Jaccard, chance in brackets\): 40 points \d\.\d\d \(0\.33\)\.$/.test(l)));
    assert.equal(verdict.lines.at(-1), verdict.sentence);
  });

  test('removal with the same scorings reuses their references and reports across scorings', async () => {
    const removal: RemovalSettings = { ...removalSettings('quick'), config: tiny, folds: 2, removed: [0.5], tasks: ['probe'], scorings: [[0], [1]], controls: true };
    const { runner, calls } = recordingRunner(store);
    const study = await removalFinding.run(removal, { runner });
    assert.equal(calls[0].outcome.trained.length, 0, 'the references are the coreset\'s');
    const tables = removalFinding.summary(study);
    assert.deepEqual(Object.keys(tables), ['scores', 'runs', 'means', 'contrast', 'by_scoring', 'overlap', 'reliability']);
    assert.deepEqual(tables.contrast.array('higher'), ['random', 'random-matched', 'random']);
    const verdict = removalFinding.verdict(study);
    assert.match(verdict.sentence, /with the scoring as the unit/);
    assert.ok(verdict.lines.some((l) => /^Overlap of the 2 scorings' most memorized points .*: 40 points/.test(l)));
  });
});
