import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { withOverrides } from '../../src/design/experiment-config';
import { coresetRuns } from '../../src/findings/coreset/plan';
import { coresetSettings } from '../../src/findings/coreset/settings';
import { removalFinding } from '../../src/findings/removal';
import { removalRuns } from '../../src/findings/removal/plan';
import { defaultRemovedFractions, removalSettings, type RemovalSettings } from '../../src/findings/removal/settings';
import type { RemovalStudy } from '../../src/findings/removal/study';
import { removalComparisons, removalVerdict } from '../../src/findings/removal/verdict';
import { subsetSummary } from '../../src/findings/subset-study';
import { findingNamed } from '../../src/findings/registry';
import { withoutMostMemorized } from '../../src/measure/subset-selection';
import { jobKey } from '../../src/plans/job-key';
import { localRunner } from '../../src/plans/runner';
import { runStore } from '../../src/runs/run-store';
import { initBackend } from '../../src/backend';
import { recordingRunner } from './record-runs';
import { config, pool, scores } from './subset-fixture';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-removal-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('removal runs', () => {
  test('random removals are the random coresets; memorized removals drop the most memorized points', () => {
    const runs = coresetRuns(config, pool, scores, { fractions: [1, 0.8, 0.6], seeds: [0, 1] });
    const removal = removalRuns(config, pool, scores, { removed: [0.2, 0.4], seeds: [0, 1] });
    assert.deepEqual(removal.filter((r) => r.condition === 'memorized' && r.seed === 0).map((r) => r.job.trainSet), [{ kind: 'ids', ids: Array.from(withoutMostMemorized(scores, 2)) }, { kind: 'ids', ids: Array.from(withoutMostMemorized(scores, 4)) }]);
    const keys = new Set(runs.map((r) => jobKey(r.job)));
    const shared = removal.filter((r) => r.condition !== 'memorized').filter((r) => keys.has(jobKey(r.job)));
    assert.equal(shared.length, removal.filter((r) => r.condition !== 'memorized').length, 'no removal and random removals are coreset runs');
  });

  test("the notebook's removals keep coreset shares; independent scorings, class controls, the few-label probe first", () => {
    for (const preset of ['quick', 'laptop'] as const) {
      for (const r of removalSettings(preset).removed) assert.ok(coresetSettings(preset).fractions.some((f) => Math.abs(f - (1 - r)) < 1e-9), `${preset} ${r}`);
    }
    const s = removalSettings('quick');
    assert.deepEqual(s.removed, defaultRemovedFractions);
    assert.deepEqual(removalSettings('laptop').removed, [0.2, 0.36, 0.75]);
    assert.deepEqual(s.tasks, ['few-label-probe', 'few-label-knn', 'knn', 'probe', 'fashion', 'segmentation']);
    assert.deepEqual(Object.keys(s.downstream).sort(), ['fashion', 'few-label-knn', 'few-label-probe', 'knn', 'probe', 'segmentation'], 'pinned: a task added to the registry changes neither the tasks nor the settings');
    assert.deepEqual(s.scorings, [[0], [1]]);
    assert.equal(s.controls, true);
    assert.equal(removalFinding.describe(s)[1], 'primary task: few-label-probe (few-label linear probe accuracy (10 labels per class, mean over draws)); the verdict rests on it, the other tasks are reported beside it');
    assert.equal(findingNamed('removal'), removalFinding);
  });
});

/** A study table: per kept share and seed one memorized and one random run, with `offset` added to memorized accuracy. */
function table(offset: (kept: number, seed: number) => number): ColumnTable {
  const rows: Array<Record<string, unknown>> = [];
  for (const kept of [0.9, 0.7]) {
    for (const seed of [0, 1, 2]) {
      const base = 0.8 + 0.01 * seed + kept * 0.1;
      rows.push({ condition: 'memorized', kept, size: kept * 100, seed, probe: base + offset(kept, seed), fashion: base });
      rows.push({ condition: 'random', kept, size: kept * 100, seed, probe: base, fashion: base + 0.001 * (seed - 1) });
    }
  }
  return aq.from(rows);
}

describe('removal verdict', () => {
  test('random above memorized on a task holds there; the verdict names the tasks', () => {
    const t = table((k, s) => -0.02 - 0.001 * s);
    const study: RemovalStudy = { settings: { ...removalSettings('quick'), scorings: undefined, controls: undefined, tasks: ['probe', 'fashion'] }, scores, table: t, tasks: ['probe', 'fashion'], lines: { scores: '', retrainings: '' } };
    const v = removalVerdict(study);
    assert.deepEqual(removalComparisons(study).filter((c) => c.holds).map((c) => c.task), ['probe']);
    assert.equal(v.holds, false);
    assert.deepEqual(v.parts.map((p) => p.holds), [true, false]);
    assert.match(v.sentence, /the claim is not confirmed at this scale: it holds on probe only\.$/);
    assert.equal(v.lines.length, 4 + 1);
    assert.match(v.lines[0], /^remove 10% memorized \(90(\.0+1)? points\): probe 87\.90 \+- 0\.90, fashion 90\.00 \+- 1\.00$/);
    assert.equal(v.lines.at(-1), v.sentence);
    const summary = subsetSummary(study.table, ['probe']).objects() as any[];
    assert.equal(summary.length, 4);
    assert.equal(summary[0].kept, 0.9);
    assert.equal(summary[0].seeds, 3);
  });
});

describe('the removal finding on a tiny quick preset', () => {
  // One scoring, no controls: the paired test over seeds (the design a user can still choose).
  const base = { ...removalSettings('quick'), scorings: undefined, controls: undefined };
  const settings: RemovalSettings = {
    ...base,
    config: withOverrides(base.config, { split: { trainSize: 60, extraSize: 20 }, train: { epochs: 2, batchSize: 16 }, probe: { trainSize: 200, testSize: 100, epochs: 5 } }),
    folds: 2,
    removed: [0.2],
    tasks: ['probe', 'knn'],
  };
  const store = runStore(join(dir, 'runs'));

  test('two stages: subsets undefined before the references ran; run trains exactly the stages; the tables and verdict', async () => {
    const before = await removalFinding.plan(settings, { store });
    assert.deepEqual(before.stages.map((s) => s.name), ['folds', 'subsets']);
    assert.equal(before.stages[1].jobs, undefined);
    assert.equal(before.stages[1].after, 'folds');
    // As `sslmem plan --finding removal` and a Slurm array would: train stage 1 alone, then plan again.
    await localRunner({ store, workers: 1 }).run(before.stages[0].jobs!);
    const planned = await removalFinding.plan(settings, { store });
    assert.equal(planned.stages[1].jobs?.length, 3, 'the references are stored: no removal, without the top 12, 48 random');
    const { runner, calls } = recordingRunner(store);
    const study = await removalFinding.run(settings, { runner });
    assert.equal(calls[0].outcome.trained.length, 0, 'stage 1 was trained before');
    const keys = (jobs: readonly Parameters<typeof jobKey>[0][] | undefined) => (jobs ?? []).map((j) => jobKey(j));
    assert.deepEqual(keys(calls[0].plan), keys(before.stages[0].jobs));
    assert.deepEqual(keys(calls[1].plan), keys(planned.stages[1].jobs));
    assert.equal(calls[1].outcome.trained.length, 2);
    for (const later of calls.slice(2)) assert.equal(later.outcome.trained.length, 0, 'measurements train nothing');
    const tables = removalFinding.summary(study);
    assert.deepEqual(tables.runs.array('condition'), ['none', 'memorized', 'random']);
    assert.deepEqual(tables.runs.array('size'), [60, 48, 48]);
    for (const v of tables.runs.array('knn') as number[]) assert.ok(v > 0.3 && v <= 1, `kNN accuracy ${v} above chance`);
    assert.equal(tables.means.numRows(), 3);
    assert.match(study.lines.retrainings, /^3 retrainings trained or loaded and evaluated on 2 tasks in \d+\.\d min$/);
    const verdict = removalFinding.verdict(study);
    assert.equal(verdict.parts.length, 2);
    assert.equal(verdict.lines.length, 3 + 1);
    const figures = removalFinding.figures(study);
    assert.deepEqual(figures.map((f) => f.name), ['probe-by-removed-share', 'knn-by-removed-share']);
    assert.ok(JSON.stringify(figures[1].figure).includes('kNN accuracy (k = 20, cosine) after removing points'));
  });
});
