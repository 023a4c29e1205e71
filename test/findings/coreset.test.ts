import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { withOverrides } from '../../src/design/experiment-config';
import { coresetFinding } from '../../src/findings/coreset';
import { coresetPlan, coresetRuns } from '../../src/findings/coreset/plan';
import { coresetSettings, defaultCoresetFractions, type CoresetSettings } from '../../src/findings/coreset/settings';
import type { CoresetStudy } from '../../src/findings/coreset/study';
import { coresetComparisons, coresetVerdict } from '../../src/findings/coreset/verdict';
import { findingNamed } from '../../src/findings/registry';
import { mostMemorized, randomSubset, subsetSize, withoutMostMemorized } from '../../src/measure/subset-selection';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { initBackend } from '../../src/backend';
import { recordingRunner } from './record-runs';
import { config, pool, scores } from './subset-fixture';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-coreset-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

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

describe('coreset runs', () => {
  test('the full pool once per seed, memorized and random subsets per share', () => {
    const runs = coresetRuns(config, pool, scores, { fractions: [1, 0.8, 0.6], seeds: [0, 1] });
    assert.deepEqual(runs.map((r) => `${r.condition} ${r.size} ${r.seed}`), ['full 10 0', 'full 10 1', 'memorized 8 0', 'random 8 0', 'memorized 8 1', 'random 8 1', 'memorized 6 0', 'random 6 0', 'memorized 6 1', 'random 6 1']);
    assert.deepEqual(runs.find((r) => r.condition === 'memorized' && r.size === 8)!.job.trainSet, { kind: 'ids', ids: Array.from(mostMemorized(scores, 8)) });
  });

  test("the notebook's settings: the poster's shares and a quarter, 4 folds, independent scorings, the few-label probe first", () => {
    const s = coresetSettings('quick');
    assert.deepEqual(s.fractions, [1, 0.96, 0.8, 0.64, 0.48], 'quick: no quarter (smaller than a batch)');
    assert.ok(s.fractions.every((f) => f === 1 || defaultCoresetFractions.includes(f)), "every quick share is one of the poster's");
    assert.deepEqual(coresetSettings('laptop').fractions, [1, 0.96, 0.8, 0.64, 0.48, 0.25]);
    assert.equal(s.folds, 4);
    assert.deepEqual(s.tasks, ['few-label-probe', 'few-label-knn', 'knn', 'probe', 'fashion']);
    assert.deepEqual(Object.keys(s.downstream).sort(), ['fashion', 'few-label-knn', 'few-label-probe', 'knn', 'probe'], 'pinned: a task added to the registry changes not the settings');
    assert.deepEqual(s.scorings, [[0], [1]]);
    assert.deepEqual(coresetSettings('laptop').scorings, [[0, 1, 2], [10, 11, 12], [20, 21, 22]], "scoring 0 is the config's seeds");
    assert.equal(s.controls, undefined);
    assert.deepEqual(coresetFinding.describe(s), [
      `pool: 250 MNIST training points (S_S + S_C + S_I of the preset's split), 4 folds, seeds 0, 30 epochs, simclr on an mlp encoder`,
      'primary task: few-label-probe (few-label linear probe accuracy (10 labels per class, mean over draws)); the verdict rests on it, the other tasks are reported beside it',
      'scorings: 2 independent scorings of the pool (reference seeds 0 | 1), each choosing its own memorized and random subsets; memorized against random is tested across scorings',
    ]);
    assert.equal(findingNamed('coreset'), coresetFinding);
  });

  test('a kept share smaller than one batch is refused before anything trains, naming the share and its size', async () => {
    const s = coresetSettings('quick');
    await assert.rejects(coresetPlan({ ...s, fractions: [1, 0.25] }), /coreset settings\.fractions\[1\]: expected a share keeping at least one batch \(64 of the 250 points of the pool, with dropLast\), found 0\.25, which keeps 63/);
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


function studyOf(t: ColumnTable, tasks: CoresetStudy['tasks']): CoresetStudy {
  return { settings: { ...coresetSettings('quick'), scorings: undefined, controls: undefined, tasks }, scores, table: t, tasks, lines: { scores: '', retrainings: '' } };
}

describe('verdicts', () => {
  test('coreset: memorized above random in every pair holds; a difference of noise around zero does not', () => {
    const study = studyOf(table((k, s) => 0.01 + 0.002 * s), ['probe', 'fashion']);
    const up = coresetVerdict(study);
    const [c] = coresetComparisons(study);
    assert.equal(up.holds, true);
    assert.equal(c.n, 6);
    assert.equal(c.wins, 6);
    assert.ok(Math.abs(c.meanDifference - 0.012) < 1e-9);
    assert.ok(c.pValue < 0.001);
    assert.match(up.sentence, /keeps accuracy better .*: the claim holds at this scale\.$/);
    assert.deepEqual(up.parts.map((p) => [p.name, p.holds]), [['probe: memorized above random', true], ['fashion: memorized above random', false]]);
    assert.equal(up.lines.at(-1), up.sentence);
    assert.match(up.lines[0], /^90% memorized \(90(\.0+1)? points\): MNIST 91\.20 \+- 1\.20, Fashion-MNIST 90\.00 \+- 1\.00$/);
    assert.equal(up.lines.length, 4 + 1, 'one line per kept share and condition, then the sentence (no full pool: no comparison line)');
    const flat = coresetVerdict(studyOf(table((k, s) => [0.004, -0.003, 0.001][s] * (k > 0.8 ? 1 : -1)), ['probe']));
    assert.equal(flat.holds, false);
    assert.match(flat.sentence, /does not keep .*the claim is not confirmed at this scale\.$/);
  });
});

describe('the coreset finding on a tiny quick preset', () => {
  // One scoring, no controls: the paired test over seeds (the design a user can still choose).
  const base = { ...coresetSettings('quick'), scorings: undefined, controls: undefined };
  const settings: CoresetSettings = {
    ...base,
    config: withOverrides(base.config, { split: { trainSize: 60, extraSize: 20 }, train: { epochs: 2, batchSize: 16 }, probe: { trainSize: 200, testSize: 100, epochs: 5 } }),
    folds: 2,
    fractions: [1, 0.8],
    tasks: ['probe'],
  };
  const store = runStore(join(dir, 'runs'));

  test('plan: stage subsets is undefined before the fold references ran, run trains exactly the stages, then the plan knows stage 2', async () => {
    const before = await coresetFinding.plan(settings, { store });
    assert.match(coresetFinding.describe(settings)[0], /^pool: 60 MNIST training points .*, 2 folds, seeds 0, 2 epochs,/);
    assert.deepEqual(before.stages.map((s) => [s.name, s.after]), [['folds', undefined], ['subsets', 'folds']]);
    assert.equal(before.stages[0].jobs?.length, 3, 'one seed: f on the pool and 2 g without one fold');
    assert.equal(before.stages[1].jobs, undefined, 'the subsets depend on the scores of the fold references');

    const { runner, calls } = recordingRunner(store);
    const study = await coresetFinding.run(settings, { runner });
    const planned = await coresetFinding.plan(settings, { store });
    assert.ok(planned.stages[1].jobs !== undefined, 'the fold references are stored: the scores choose the subsets');
    const keys = (jobs: readonly { trainSet: unknown }[] | undefined) => (jobs ?? []).map((j) => jobKey(j as Parameters<typeof jobKey>[0]));
    assert.deepEqual(keys(calls[0].plan), keys(before.stages[0].jobs), 'first call: stage folds');
    assert.equal(calls[0].outcome.trained.length, 3);
    assert.deepEqual(keys(calls[1].plan), keys(planned.stages[1].jobs), 'second call: stage subsets');
    assert.equal(calls[1].outcome.trained.length, 2, 'the full pool is the fold plan\'s f: only the 80% subsets train');
    for (const later of calls.slice(2)) assert.equal(later.outcome.trained.length, 0, 'measurements train nothing');

    const tables = coresetFinding.summary(study);
    assert.deepEqual(Object.keys(tables), ['scores', 'runs', 'means']);
    assert.deepEqual(tables.scores.array('set'), ['fold 0', 'fold 1']);
    assert.equal(aq.agg(tables.scores, aq.op.sum('n')), 60, 'every point of the pool scored once');
    assert.deepEqual(tables.runs.array('condition'), ['full', 'memorized', 'random']);
    assert.deepEqual(tables.runs.array('size'), [60, 48, 48]);
    for (const acc of tables.runs.array('probe') as number[]) assert.ok(acc > 0.3 && acc <= 1, `probe accuracy ${acc} above chance`);
    assert.deepEqual(tables.means.columnNames(), ['condition', 'kept', 'size', 'seeds', 'probe_mean', 'probe_std', 'poster_cifar10', 'poster_cifar100']);
    assert.equal(tables.means.get('poster_cifar10', 0), 0.633);
    assert.match(study.lines.scores, /^scores for 60 points from 3 encoders \(per seed one f on the pool and 2 g's without one fold\) in \d+\.\d min$/);
    assert.match(study.lines.retrainings, /^3 retrainings \(3 distinct\) trained or loaded and probed in \d+\.\d min$/);
    const verdict = coresetFinding.verdict(study);
    assert.equal(verdict.lines.length, 3 + 1 + 1, 'three rows, the comparison with the full pool, the sentence');
    assert.equal(verdict.parts.length, 1);
    assert.equal(verdict.holds, false, 'one pair has no p-value');
    assert.deepEqual(coresetFinding.figures(study).map((f) => f.name), ['probe-by-kept-share']);

    const again = recordingRunner(store);
    const second = await coresetFinding.run(settings, { runner: again.runner });
    assert.ok(again.calls.every((c) => c.outcome.trained.length === 0), 'everything from the run store');
    assert.deepEqual(second.table.objects(), study.table.objects());
  });
});
