import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { planJobs } from '../../src/findings/finding';
import { findings } from '../../src/findings/registry';
import { regularizerConfigs, type RegularizerSettings } from '../../src/findings/regularizer/settings';
import type { RegularizerStudy } from '../../src/findings/regularizer/study';
import { regularizerLevelSummary, regularizerSummary } from '../../src/findings/regularizer/summary';
import { regularizerTrends, regularizerVerdict } from '../../src/findings/regularizer/verdict';
import { encoderRunConfig } from '../../src/plans/encoder-run';
import { jobKey } from '../../src/plans/job-key';
import { sidePlan } from '../../src/plans/side-plan';
import { runKey } from '../../src/runs/run-key';
import { runStore } from '../../src/runs/run-store';
import { recordingRunner } from './record-runs';
import { briefTraining, tinyConfig } from './tiny-config';

before(async () => {
  await initBackend();
});

function study(gap: (w: number, s: number) => number, accuracy: (w: number, s: number) => number) {
  const rows = [];
  for (const weight of [0, 0.5, 1, 2]) for (const seed of [0, 1, 2]) rows.push({ weight, seed, align_f_S_C: 0.1 + weight, S_C_raw: gap(weight, seed), gap_raw: gap(weight, seed), S_C_range: 0, gap_range: 0, accuracy: accuracy(weight, seed) });
  return aq.from(rows);
}

describe('regularizer finding', () => {
  test('weight 0 is the plain framework (its encoders are shared); other weights wrap the objective, with the weight in the run key', () => {
    const config = preset('quick');
    const levels = regularizerConfigs(config, [0, 0.5, 2]);
    assert.deepEqual(levels.map((l) => l.value), [0, 0.5, 2]);
    assert.equal(runKey(encoderRunConfig(levels[0].config, 'f', 0)), runKey(encoderRunConfig(config, 'f', 0)));
    assert.deepEqual(levels[1].config.objective.name, 'align-reg');
    assert.equal((levels[1].config.objective as unknown as { weight: number }).weight, 0.5);
    assert.equal((levels[1].config.objective as unknown as { inner: { name: string } }).inner.name, 'simclr');
    assert.notEqual(runKey(encoderRunConfig(levels[1].config, 'f', 0)), runKey(encoderRunConfig(levels[2].config, 'f', 0)));
  });

  test('trends: both falling with the weight holds; a flat accuracy does not', () => {
    const down = study((w, s) => 0.01 - 0.004 * w + 0.0001 * s, (w, s) => 0.9 - 0.02 * w - 0.001 * s);
    const v = regularizerTrends(down);
    assert.equal(v.holds, true);
    assert.ok(v.memorization.rho > 0.9 && v.memorization.pValue < 0.01);
    const flat = regularizerTrends(study((w) => 0.01 - 0.004 * w, (w, s) => 0.9 + 0.001 * ((s * 7 + w * 3) % 5)));
    assert.equal(flat.memorization.falls, true);
    assert.equal(flat.accuracy.falls, false);
    assert.equal(flat.holds, false);
    const summary = regularizerLevelSummary(down).objects() as any[];
    assert.deepEqual(summary.map((r) => r.weight), [0, 0.5, 1, 2]);
    assert.equal(summary[0].seeds, 3);
    assert.ok(Math.abs(summary[2].accuracy - (0.9 - 0.02 - 0.001)) < 1e-12);
  });

  test('the verdict: two parts, a line per weight, the sentence the notebook printed', () => {
    const settings: RegularizerSettings = findings.regularizer.settings('quick');
    assert.deepEqual(settings.weights, [0, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
    const s: RegularizerStudy = { settings, levels: study((w, s) => 0.01 - 0.004 * w + 0.0001 * s + 0.0005 * w * s, (w) => 0.9 + 0.001 * ((w * 3) % 5)), secondsPerEncoder: 60 };
    const v = regularizerVerdict(s);
    assert.deepEqual(v.parts.map((p) => [p.name, p.holds]), [['memorization', true], ['accuracy', false]]);
    assert.equal(v.holds, false);
    assert.equal(v.lines.length, 4 + 2 + 1 + 1);
    assert.match(v.lines[6], /^what the verdict rests on: each weight's per-seed gap S_C - S_S, a mean over \d+ candidates/);
    // Memorization: per-seed differences 0.008, 0.007, 0.006 (effect 7 sd); accuracy: no spread, nothing to project.
    assert.equal(v.lines[4], 'what it would take (weight 0 against 2, seeds paired, p < 0.01 with power 0.8): memorization 4 seeds (difference 7.0e-3 +- 1.0e-3 over 3 seeds); accuracy not projectable (difference -0.0010 +- 0.0000 over 3 seeds)');
    assert.equal(v.lines[5], 'the cost of a powered run: not projectable');
    const noisy = regularizerVerdict({ ...s, levels: study((w, s) => 0.01 - 0.001 * w + 0.0004 * w * ((s * 5) % 3), (w, s) => 0.9 - 0.01 * w + 0.004 * s * w) });
    assert.match(noisy.lines[5], /^a powered run of every weight: \d+ trainings, \d+h\d\dm on one worker, [\dhms]+ on 8 queue workers$/);
    assert.equal(v.lines[0], 'weight 0: alignment loss of f on S_C 0.100, S_C SSLMem 1.01e-2, gap 1.01e-2 +- 1.0e-4 (range 0.000), accuracy 0.9000 +- 0.0000');
    assert.match(v.sentence, /^Memorization \(raw SSLMem gap S_C - S_S\) falls as the weight grows \(Spearman rho 0\.\d\d, one-sided p = 0\.00\d\); accuracy does not fall as the weight grows \(Spearman rho -?[\d.]+, one-sided p = [\d.]+\): the claim is not confirmed at this scale\.$/);
    assert.equal(v.lines[7], v.sentence);
    assert.deepEqual(Object.keys(regularizerSummary(s)), ['per-seed', 'per-weight']);
  });

  describe('runs through any runner (tiny synthetic run)', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-regularizer-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    const config = tinyConfig(briefTraining);
    const settings: RegularizerSettings = { ...findings.regularizer.settings('quick'), config, weights: [0, 0.5, 1, 2] };

    test('plan: every weight in one stage (weight 0 = the plain config); run trains it in one call and nothing after', async () => {
      const plan = await findings.regularizer.plan(settings);
      assert.equal(plan.stages.length, 1);
      const jobs = planJobs(plan);
      assert.equal(jobs.length, 4 * 2);
      assert.deepEqual(jobs.slice(0, 2).map(jobKey), sidePlan(config).map(jobKey));
      const { runner, calls } = recordingRunner(runStore(root));
      const s = await findings.regularizer.run(settings, { runner });
      assert.deepEqual(calls[0].plan.map(jobKey), jobs.map(jobKey));
      assert.equal(calls[0].outcome.trained.length, jobs.length);
      assert.ok(calls.length > 1);
      for (const c of calls.slice(1)) assert.equal(c.outcome.trained.length, 0, 'measurements train nothing');
      assert.deepEqual(s.levels.columnNames(), ['weight', 'seed', 'align_f_S_C', 'S_C_raw', 'gap_raw', 'S_C_range', 'gap_range', 'p_value', 'accuracy']);
      const rows = s.levels.objects() as Array<Record<string, number>>;
      assert.deepEqual(rows.map((r) => r.weight), [0, 0.5, 1, 2]);
      for (const r of rows) {
        assert.ok(r.align_f_S_C > 0, 'an alignment loss is a distance');
        assert.equal(Math.sign(r.gap_range), Math.sign(r.gap_raw), 'range normalisation divides by a positive range');
        assert.ok(r.p_value >= 0 && r.p_value <= 1);
      }
      const tables = findings.regularizer.summary(s);
      assert.equal(tables['per-weight'].numRows(), 4);
      const v = findings.regularizer.verdict(s);
      assert.equal(v.lines.length, 8);
      assert.equal(v.lines[7], v.sentence);
      assert.ok(s.secondsPerEncoder > 0, 'the training time comes from the stored histories');
      assert.deepEqual(findings.regularizer.figures(s).map((f) => f.figure.layout?.title?.text), [
        'Memorization gap S_C - S_S (raw SSLMem) against the regulariser weight',
        'Linear-probe accuracy of f against the regulariser weight',
        "f's alignment loss on its candidates against the weight",
      ]);
    });
  });
});
