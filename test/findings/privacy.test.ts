import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { withObjective } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { planJobs, type FindingPlan } from '../../src/findings/finding';
import { findings } from '../../src/findings/registry';
import { privacyConfigs, privacyLevels, type PrivacySettings } from '../../src/findings/privacy/settings';
import type { PrivacyStudy } from '../../src/findings/privacy/study';
import { privacyLevelSummary, privacySummary } from '../../src/findings/privacy/summary';
import { privacyTrends, privacyVerdict } from '../../src/findings/privacy/verdict';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { recordingRunner } from './record-runs';
import { briefTraining, tinyConfig } from './tiny-config';

/** A study table with known answers: per epsilon and seed, a gap and an accuracy. */
function study(gap: (epsilon: number, seed: number) => number, accuracy: (epsilon: number, seed: number) => number) {
  const rows = [Infinity, 20, 8, 2].flatMap((epsilon) =>
    [0, 1, 2].map((seed) => ({ epsilon, seed, noise: epsilon === Infinity ? 0 : 10 / epsilon, epsilon_spent: epsilon, gap_raw: gap(epsilon, seed), gap_range: gap(epsilon, seed) * 10, S_C_raw: 0, S_C_range: 0, p_value: seed === 0 ? 0.01 : 0.5, accuracy: accuracy(epsilon, seed) })),
  );
  return aq.from(rows);
}
const level = (e: number) => (e === Infinity ? 4 : e === 20 ? 3 : e === 8 ? 2 : 1);

describe('privacy finding', () => {
  test('privacyConfigs: every level on the same per-example architecture; Infinity without dp', () => {
    const byol = withObjective(preset('quick'), 'byol');
    const levels = privacyConfigs(byol, [Infinity, 8]);
    assert.deepEqual(levels.map((l) => l.value), [Infinity, 8]);
    assert.equal(levels[0].config.dp, undefined);
    assert.deepEqual(levels[1].config.dp, { epsilon: 8 });
    for (const l of levels) assert.equal((l.config.objective.projector as { norm: string }).norm, 'layer');
    assert.deepEqual(privacyConfigs(byol, [4], { clip: 0.5 })[0].config.dp, { clip: 0.5, epsilon: 4 });
  });

  test('the trends hold when memorization and accuracy both fall with epsilon, and not otherwise', () => {
    const both = privacyTrends(study((e, s) => 0.01 * level(e) + 0.001 * s, (e, s) => 0.5 + 0.1 * level(e) - 0.01 * s));
    assert.equal(both.holds, true);
    assert.ok(both.memorization.rho > 0.9 && both.memorization.pValue < 0.01);
    const flat = privacyTrends(study((_, s) => [0.01, -0.02, 0.005][s], (e) => 0.5 + 0.1 * level(e)));
    assert.equal(flat.memorization.falls, false);
    assert.equal(flat.accuracy.falls, true);
    assert.equal(flat.holds, false);
    const rising = privacyTrends(study((e) => -level(e), (e) => level(e)));
    assert.equal(rising.memorization.falls, false, 'memorization that grows as epsilon falls does not count');
    assert.equal(privacyTrends(study((e) => -level(e), (e) => level(e)), { column: 'accuracy' }).memorization.falls, true);
  });

  test('privacyLevelSummary: mean and sd over seeds per level', () => {
    const s = privacyLevelSummary(study((e, seed) => level(e) + seed, () => 0.9)).objects() as Array<Record<string, number>>;
    assert.deepEqual(s.map((r) => r.epsilon), [Infinity, 20, 8, 2]);
    assert.equal(s[0].gap_raw, 5);
    assert.equal(s[0].gap_raw_sd, 1);
    assert.equal(s[0].seeds, 3);
    assert.equal(s[3].accuracy, 0.9);
  });

  test('the verdict: one part per framework, the lines the notebook printed, ending with the sentence', () => {
    const settings = { ...findings.privacy.settings('quick'), frameworks: ['mae', 'supervised'] } as PrivacySettings;
    const falling = study((e, s) => 0.01 * level(e) + 0.001 * s, (e, s) => 0.5 + 0.1 * level(e) - 0.01 * s);
    const s: PrivacyStudy = { settings, levels: { mae: study(() => 0.01, (e) => 0.5 + 0.1 * level(e)), supervised: falling.derive({ label_gap: (d: { gap_raw: number }) => d.gap_raw }) } };
    const v = privacyVerdict(s);
    assert.deepEqual(v.parts.map((p) => [p.name, p.holds]), [['mae', false], ['supervised', true]]);
    assert.equal(v.holds, false);
    assert.equal(v.sentence, 'The claim holds at this scale for supervised and is not confirmed for mae.');
    assert.equal(v.lines[v.lines.length - 1], v.sentence);
    assert.equal(v.lines.length, 2 * 2 + 2 + 1 + 2 + 1);
    assert.match(v.lines[7], /^mae, what it would take \(no DP against epsilon 2, seeds paired, p < 0\.01 with power 0\.8\): memorization not projectable \(difference 0\.0e\+0 \+- 0\.0e\+0 over 3 seeds\)|^mae, what it would take .*memorization against the claim/);
    assert.match(v.lines[7], /accuracy \d+ seeds \(difference 0\.3000 \+- 0\.0000 over 3 seeds\)|accuracy not projectable/);
    assert.match(v.lines[8], /^supervised, what it would take \(no DP against epsilon 2, .*memorization 2 seeds \(difference 3\.0e-2 \+- [0-9.e+-]+ over 3 seeds\); accuracy not projectable .*; a powered run of its 4 levels: 16 trainings$/);
    assert.equal(v.lines[1], '  without DP, S_C > S_S at p < 0.05 for 1 of 3 seeds (gap raw 1.00e-2)');
    assert.match(v.lines[2], /^supervised: eps Infinity: gap 0\.410 \+- 0\.010 \(raw 4\.10e-2\), accuracy 0\.890 \+- 0\.010, label memorization gap 0\.041; eps 20: /);
    assert.match(v.lines[4], /^mae: memorization \(the raw SSLMem gap S_C - S_S\) does not fall as epsilon falls \(Spearman rho NaN|^mae: memorization \(the raw SSLMem gap S_C - S_S\) does not fall/);
    assert.match(v.lines[6], /^supervised, label memorization \(gap of p_f - p_g\): falls as epsilon falls \(Spearman rho 0\.\d\d, one-sided p = 0\.00\d\)\.$/);
    const tables = privacySummary(s);
    assert.deepEqual(Object.keys(tables), ['mae-per-seed', 'mae-per-level', 'supervised-per-seed', 'supervised-per-level']);
    const poster = tables['mae-per-level'].objects() as Array<Record<string, number>>;
    assert.deepEqual(poster.map((r) => r.paper_SSLMem), [0.307, 0.182, 0.107, Number.NaN]);
  });

  describe('runs through any runner (tiny synthetic run)', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-privacy-'));
    before(async () => {
      await initBackend();
    });
    after(() => rmSync(root, { recursive: true, force: true }));
    const config = tinyConfig(briefTraining);
    const settings: PrivacySettings = { ...findings.privacy.settings('quick'), config, frameworks: ['byol', 'supervised'], epsilons: [Infinity, 20, 8, 2] };

    test('plan: one stage with every level of every framework; run trains it in one call and nothing after', async () => {
      const plan: FindingPlan = await findings.privacy.plan(settings);
      assert.equal(plan.stages.length, 1);
      const jobs = planJobs(plan);
      assert.equal(jobs.length, 2 * 4 * 2, 'frameworks x levels x sides');
      const levels = privacyLevels(settings);
      assert.deepEqual(Object.keys(levels), ['byol', 'supervised']);
      const { runner, calls } = recordingRunner(runStore(root));
      const s = await findings.privacy.run(settings, { runner });
      assert.deepEqual(calls[0].plan.map(jobKey), jobs.map(jobKey), 'the first call trains the plan\'s one stage');
      assert.equal(calls[0].outcome.trained.length, jobs.length);
      assert.ok(calls.length > 1, 'the measurements load through the runner');
      for (const c of calls.slice(1)) assert.equal(c.outcome.trained.length, 0, 'measurements train nothing');

      const rows = s.levels.byol.objects() as Array<Record<string, number>>;
      assert.deepEqual(s.levels.byol.columnNames(), ['epsilon', 'seed', 'noise', 'epsilon_spent', 'S_C_raw', 'S_S_raw', 'gap_raw', 'S_C_range', 'gap_range', 'p_value', 'accuracy']);
      assert.deepEqual(s.levels.supervised.columnNames().slice(-1), ['label_gap']);
      assert.deepEqual(rows.map((r) => r.epsilon), [Infinity, 20, 8, 2]);
      assert.equal(rows[0].noise, 0);
      assert.equal(rows[0].epsilon_spent, Infinity);
      assert.ok(rows[2].noise > rows[1].noise && rows[1].noise > 0 && rows[2].epsilon_spent <= 8 + 1e-6 && rows[2].epsilon_spent > 7, JSON.stringify(rows[2]));
      for (const r of rows) {
        assert.ok(Math.abs(r.gap_raw - (r.S_C_raw - r.S_S_raw)) < 1e-12);
        assert.ok(r.p_value >= 0 && r.p_value <= 1);
        assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
      }
      const tables = findings.privacy.summary(s);
      assert.equal(tables['supervised-per-level'].numRows(), 4);
      const v = findings.privacy.verdict(s);
      assert.deepEqual(v.parts.map((p) => p.name), ['byol', 'supervised']);
      assert.equal(v.lines[v.lines.length - 1], v.sentence);
      assert.deepEqual(findings.privacy.figures(s).map((f) => f.name), ['gap-against-privacy', 'accuracy-against-privacy']);
      const again = recordingRunner(runStore(root));
      await findings.privacy.run(settings, { runner: again.runner });
      assert.ok(again.calls.every((c) => c.outcome.trained.length === 0), 'a second run trains nothing');
    });
  });
});
