import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { findings } from '../../src/findings/registry';
import { planJobs } from '../../src/findings/finding';
import { atypicalityTests } from '../../src/findings/atypical/atypicality-tests';
import { atypicalSettings } from '../../src/findings/atypical/settings';
import type { AtypicalStudy } from '../../src/findings/atypical/study';
import { atypicalVerdict } from '../../src/findings/atypical/verdict';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { createRng } from '../../src/util/rng';
import { recordingRunner } from './record-runs';
import { tinyConfig } from './tiny-config';

before(async () => {
  await initBackend();
});

const tiny = tinyConfig();

describe('atypicality tests and the verdict', () => {
  test('atypicalityTests: an association on S_C but not on the control S_E holds; an association on both does not', () => {
    const rng = createRng(4);
    const rows = (set: string, slope: number) =>
      Array.from({ length: 300 }, () => {
        const a = rng.next();
        return { set, pixel_atypicality: a, representation_atypicality: a + 0.1 * rng.next(), score_centred: slope * a + rng.normal() * 0.2 };
      });
    const holds = atypicalityTests(aq.from([...rows('S_C', 0.3), ...rows('S_E', 0)]));
    assert.equal(holds.holds, true);
    const c = (holds.correlations.objects() as Array<{ set: string; measure: string; rho: number; p_value: number }>).find((r) => r.set === 'S_C' && r.measure === 'pixel_atypicality')!;
    assert.ok(c.rho > 0.2 && c.p_value < 1e-4);
    const both = atypicalityTests(aq.from([...rows('S_C', 0.3), ...rows('S_E', 0.3)]));
    assert.equal(both.holds, false, 'the control shows the same association: not memorization');
    assert.equal(atypicalityTests(aq.from([...rows('S_C', 0), ...rows('S_E', 0)])).holds, false);
  });

  test('the verdict: one line per measure as notebook 03 printed it, then the sentence', () => {
    const rng = createRng(4);
    const rows = (set: string, slope: number) =>
      Array.from({ length: 300 }, () => {
        const a = rng.next();
        return { set, pixel_atypicality: a, representation_atypicality: a + 0.1 * rng.next(), score_centred: slope * a + rng.normal() * 0.2 };
      });
    const points = aq.from([...rows('S_C', 0.3), ...rows('S_E', 0)]);
    const reliability = aq.from([
      { split_seed: 0, seeds: 3, between_seeds: 0.3, reliability: 0.56, low: 0.5, high: 0.62, seeds_for_0_8: 10 },
      { split_seed: 1, seeds: 3, between_seeds: 0.2, reliability: 0.4, low: 0.38, high: 0.5, seeds_for_0_8: 16 },
    ]);
    const study = { settings: atypicalSettings('quick'), points, tests: atypicalityTests(points, { alpha: 0.01 }), reliability, secondsPerEncoder: 30 } as unknown as AtypicalStudy;
    const v = atypicalVerdict(study);
    assert.equal(v.holds, true);
    assert.equal(v.lines.length, 5);
    assert.equal(
      v.lines[2],
      "Reliability of each split's ranking of its candidates (class means out, mean of 3 seeds, Spearman-Brown, 95% bootstrap interval): split 0 0.56 [0.50, 0.62], split 1 0.40 [0.38, 0.50]; noise of the training runs shrinks a correlation with the score to about 0.69 of its noise-free value. The rankings are mostly the noise of the training runs (median reliability 0.48 < 0.5): a weak association says little either way.",
    );
    assert.match(v.lines[3], /^What it would take: pixel_atypicality: rho 0\.\d{3} over 300 candidates reaches p < 0\.01 with power 0\.8 at \d+ seeds? per side \(projected rho 0\.\d{3}; needed 0\.\d{3}\), \d+ trainings, .+ on one worker, .+ on 8 queue workers; representation_atypicality: /);
    assert.match(v.lines[0], /^pixel_atypicality: rho on S_C = 0\.\d{3} \(n 300, p = \d\.\d\de-\d+\), on the control S_E = -?0\.\d{3} \(p = \d\.\d\de-\d+\); S_C above S_E: z = \d+\.\d\d, p = \d\.\d\de-\d+$/);
    assert.match(v.lines[1], /^representation_atypicality: /);
    assert.equal(v.sentence, 'The claim holds at this scale: the more atypical a candidate (by both measures), the more it is memorized, beyond the association in the control set (alpha 0.01).');
    assert.equal(v.lines[4], v.sentence);
    assert.deepEqual(v.parts.map((p) => [p.name, p.holds]), [['pixel_atypicality', true], ['representation_atypicality', true]]);
  });
});

describe('atypical finding: a run through a runner (tiny synthetic)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-atypical-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('the plan is every split\'s training; measuring trains nothing; points, galleries and tests', async () => {
    const settings = { ...atypicalSettings('quick'), config: tiny, splitSeeds: [0, 1], extremes: 6, galleryClasses: [3] };
    const { runner, calls } = recordingRunner(runStore(root));
    const plan = await findings.atypical.plan(settings, { runner });
    assert.equal(plan.stages.length, 1);
    assert.equal(planJobs(plan).length, 2 * 2 * 2, 'f and g, two seeds, two splits');
    const study = await findings.atypical.run(settings, { runner });
    assert.deepEqual(calls[0].plan.map(jobKey), planJobs(plan).map(jobKey));
    assert.equal(calls[0].outcome.trained.length, 8);
    assert.ok(calls.length > 1);
    for (const call of calls.slice(1)) assert.equal(call.outcome.trained.length, 0, 'measurements train nothing');

    assert.equal(study.points.numRows(), 2 * (32 + 20));
    assert.deepEqual(study.points.columnNames(), ['split_seed', 'id', 'set', 'label', 'score_raw', 'score_centred', 'pixel_atypicality', 'representation_atypicality']);
    for (const column of ['pixel_atypicality', 'representation_atypicality', 'score_centred']) {
      assert.ok((study.points.array(column) as number[]).every(Number.isFinite), column);
    }
    assert.deepEqual(study.lines, ['64 candidates and 40 control points (S_E) over 2 splits']);
    assert.match(study.uncentredLine, /^before centring, the 6 highest raw scores have classes: \d:\d/);
    const [most, least] = study.extremes;
    assert.equal(most.ids.length, 6);
    assert.match(most.title, /^Most memorized candidates of split 0 \(class-centred SSLMem under each\); classes: /);
    const centred = new Map((study.points.objects() as Array<{ split_seed: number; set: string; id: number; score_centred: number }>).filter((r) => r.split_seed === 0 && r.set === 'S_C').map((r) => [r.id, r.score_centred]));
    assert.ok(Math.min(...most.ids.map((id) => centred.get(id)!)) >= Math.max(...least.ids.map((id) => centred.get(id)!)), 'the most memorized score above the least');
    assert.deepEqual(most.captions, most.ids.map((id) => centred.get(id)!.toFixed(3)));
    assert.ok(most.ids.every((id) => id < study.images.labels.length), 'ids index the training images');
    assert.equal(study.classGalleries.length, 1);
    assert.ok(study.classGalleries[0].ids.every((id) => study.images.labels[id] === 3), 'class 3 only');
    const tables = findings.atypical.summary(study);
    assert.deepEqual(Object.keys(tables), ['points', 'levels', 'correlations', 'contrasts', 'reliability', 'most', 'least', 'class_3']);
    assert.equal(aq.agg(tables.levels, aq.op.sum('count')), 32, 'every candidate of the first split has a level');
    assert.equal(tables.correlations.numRows(), 4);
    assert.equal(findings.atypical.figures(study).length, 2);
    const verdict = findings.atypical.verdict(study);
    assert.deepEqual(tables.reliability.array('split_seed'), [0, 1], 'one row per split');
    assert.match(verdict.lines[2], /^Reliability of each split's ranking of its candidates \(class means out, mean of 2 seeds, Spearman-Brown, 95% bootstrap interval\): split 0 -?\d\.\d\d \[/);
    const rel = tables.reliability.array('reliability') as number[];
    // "What it would take" follows when the seeds agree at all (median of the two splits above 0).
    assert.equal(verdict.lines.length, (rel[0] + rel[1]) / 2 > 0 ? 5 : 4);
    assert.equal(verdict.lines.at(-1), verdict.sentence);
    assert.equal(verdict.holds, study.tests.holds);
  });
});
