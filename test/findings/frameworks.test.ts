import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { planJobs } from '../../src/findings/finding';
import { frameworkConfigs } from '../../src/findings/framework-configs';
import type { FrameworksSettings } from '../../src/findings/frameworks/settings';
import { findings } from '../../src/findings/registry';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import * as aq from 'arquero';
import { candidateReliability, reliabilityTable, withCeilings, type FrameworkReliabilityRow } from '../../src/findings/frameworks/reliability';
import { createRng } from '../../src/util/rng';
import { recordingRunner } from './record-runs';
import { briefTraining, tinyConfig } from './tiny-config';

describe('frameworks finding', () => {
  test('settings and describe: every SSL framework and supervised training, as the notebook printed them', () => {
    const settings = findings.frameworks.settings('quick');
    assert.deepEqual(Object.keys(frameworkConfigs(settings.config, settings.frameworks)), ['simclr', 'byol', 'simsiam', 'dino', 'vicreg', 'mae', 'supervised']);
    const lines = findings.frameworks.describe(settings);
    assert.equal(lines.length, 8);
    assert.match(lines[5], /^mae {8}encoder \{"kind":"vit",/);
    assert.equal(lines[7], '1 seeds per side, 30 epochs, candidates: 100');
  });

  describe('runs through any runner (tiny synthetic run)', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-frameworks-'));
    before(async () => {
      await initBackend();
    });
    after(() => rmSync(root, { recursive: true, force: true }));
    const config = tinyConfig(briefTraining);
    const settings: FrameworksSettings = { config, frameworks: ['simclr', 'byol'], agreement: { seed: 0, permutations: 99, resamples: 99 } };

    test('plan: every framework in one stage; run trains it in one call, measures through the runner and trains nothing after', async () => {
      const plan = await findings.frameworks.plan(settings);
      assert.equal(plan.stages.length, 1);
      const jobs = planJobs(plan);
      assert.equal(jobs.length, 3 * 2, '(2 SSL frameworks + supervised) x sides');
      const { runner, calls } = recordingRunner(runStore(root));
      const s = await findings.frameworks.run(settings, { runner });
      assert.deepEqual(calls[0].plan.map(jobKey), jobs.map(jobKey));
      assert.equal(calls[0].outcome.trained.length, jobs.length);
      assert.ok(calls.length > 1);
      for (const c of calls.slice(1)) assert.equal(c.outcome.trained.length, 0, 'measurements train nothing');

      const tables = findings.frameworks.summary(s);
      assert.deepEqual(Object.keys(tables), ['frameworks', 'reliability', 'pairs']);
      assert.equal(tables.reliability.numRows(), 0, 'one seed per side: no reliability');
      const rows = tables.frameworks.objects() as Array<{ framework: string; kind: string; accuracy: number; S_C: number; S_S: number; gap: number; p_value: number }>;
      assert.deepEqual(rows.map((r) => [r.framework, r.kind]), [['simclr', 'ssl'], ['byol', 'ssl'], ['supervised', 'supervised']]);
      for (const r of rows) {
        assert.ok(Math.abs(r.gap - (r.S_C - r.S_S)) < 1e-12);
        assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.p_value >= 0 && r.p_value <= 1);
      }
      assert.equal(s.scores.numRows(), 3 * (32 + 16), 'S_C and S_S of every model');
      assert.deepEqual(tables.pairs.array('kind'), ['ssl-ssl', 'ssl-supervised', 'ssl-supervised']);
      assert.deepEqual(findings.frameworks.figures(s).map((f) => f.name), ['spearman', 'jaccard-10', 'jaccard-20']);
      assert.deepEqual(s.galleries.map((g) => [g.images.labels.length, g.captions.length]), [[16, 16], [16, 16]]);
      assert.match(s.galleries[0].captions[0], /^\d\.\d\d\/\d\.\d\d$/);
      const ssl = Number(s.galleries[0].captions[0].split('/')[0]) - Number(s.galleries[0].captions[0].split('/')[1]);
      const sup = Number(s.galleries[1].captions[0].split('/')[0]) - Number(s.galleries[1].captions[0].split('/')[1]);
      assert.ok(ssl >= sup, 'the first gallery is where SSL ranks a candidate above supervision');
      const v = findings.frameworks.verdict(s);
      assert.deepEqual(v.parts.map((p) => p.name), ['spearman', 'jaccard_10']);
      assert.equal(v.holds, s.agreement.holds);
      assert.equal(v.lines.length, 3 + 1 + 3);
      assert.equal(v.lines[5], 'reliability: not measured (one seed per side)');
      assert.match(v.lines[0], /^spearman: SSL-SSL -?\d\.\d{3}, SSL-supervised -?\d\.\d{3}, difference -?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\] \(99% bootstrap\), (not )?above 0$/);
      assert.match(v.lines[3], /^pairs with Spearman above chance \(permutation p < 0\.01\): SSL-SSL \d of 1, SSL-supervised \d of 2$/);
      assert.equal(v.lines[6], v.sentence);

      // With reliabilities: each ranking's, the agreement against its ceiling, what more seeds take.
      const reliability = reliabilityTable([
        { framework: 'simclr', kind: 'ssl', seeds: 3, between_seeds: 0.1, reliability: 0.25, low: 0.1, high: 0.4, seeds_for_0_8: 36 },
        { framework: 'byol', kind: 'ssl', seeds: 3, between_seeds: 0.2, reliability: 0.35, low: 0.2, high: 0.5, seeds_for_0_8: 16 },
        { framework: 'supervised', kind: 'supervised', seeds: 3, between_seeds: -0.1, reliability: -0.5, low: -0.6, high: 0.1, seeds_for_0_8: Infinity },
      ]);
      const pairs = withCeilings(s.agreement.pairs, reliability);
      assert.deepEqual((pairs.array('ceiling') as number[]).map((c) => (Number.isNaN(c) ? 'NaN' : c.toFixed(2))), ['0.30', 'NaN', 'NaN']);
      const spearman = pairs.array('spearman') as number[];
      assert.ok(Math.abs((pairs.array('spearman_disattenuated') as number[])[0] - spearman[0] / Math.sqrt(0.25 * 0.35)) < 1e-12);
      const noisy = findings.frameworks.verdict({ ...s, reliability, agreement: { ...s.agreement, pairs }, secondsPerEncoder: 90 });
      assert.match(noisy.lines.join('\n'), /reliability of each ranking of the candidates \(class-centred, mean of 3 seeds, Spearman-Brown\): simclr 0\.25, byol 0\.35, supervised -0\.50/);
      assert.match(noisy.lines.join('\n'), /SSL-SSL mean Spearman -?\d\.\d{3}; over the 1 of 1 pairs whose rankings both beat noise: -?\d\.\d{3} of a ceiling of 0\.296, disattenuated/);
      assert.match(noisy.lines.join('\n'), /SSL-supervised: no pair with two rankings above noise, so no ceiling/);
      assert.match(noisy.lines.join('\n'), /what it would take: 36 seeds per side for the rankings that beat noise \(simclr, byol\) to reach a reliability of 0\.8 \(least reliable of them: simclr, 0\.25 with 3\), 216 trainings, 5h24m on one worker, 40m30s on 8 queue workers; supervised does not beat noise at all \(reliability <= 0\), so more seeds of this training would not firm its ranking up/);
      assert.match(noisy.sentence, /; the SSL rankings are mostly the noise of the training runs \(median reliability 0\.30 < 0\.5\), too unreliable to carry the claim either way\.$/);
      const firm = reliabilityTable((reliability.objects() as FrameworkReliabilityRow[]).map((r) => ({ ...r, reliability: 0.7, seeds_for_0_8: 6 })));
      const v2 = findings.frameworks.verdict({ ...s, reliability: firm, agreement: { ...s.agreement, pairs: withCeilings(s.agreement.pairs, firm) }, secondsPerEncoder: 90 });
      assert.match(v2.lines.join('\n'), /what it would take: 6 seeds per side .* 36 trainings, 54m00s on one worker, 7m30s on 8 queue workers/);
      assert.equal(v2.sentence, s.agreement.sentence, 'reliable rankings: the sentence as measured');
    });
  });
});

describe('candidateReliability', () => {
  test('per-seed candidate scores with their class means out: known agreement recovered, other sets ignored', () => {
    const rng = createRng(4);
    const n = 3000;
    // true score ~ N(0, 1) plus a class offset of 5 per class; each seed adds noise of variance 1: r = 0.5 within a class.
    const label = Array.from({ length: n }, (_, i) => i % 3);
    const truth = Array.from({ length: n }, () => rng.normal());
    const seed = () => truth.map((t, i) => 5 * label[i] + t + rng.normal());
    const table = aq.table({ id: Array.from({ length: n }, (_, i) => i), set: Array.from({ length: n }, (_, i) => (i < 2500 ? 'S_C' : 'S_S')), label, raw_seed0: seed(), raw_seed1: seed(), raw_seed2: seed() });
    const r = candidateReliability(table, 0)!;
    assert.equal(r.points, 2500);
    assert.deepEqual(r.seedList, [0, 1, 2]);
    assert.ok(Math.abs(r.pearson - 0.5) < 0.04, `between seeds ${r.pearson}: the class offsets are out`);
    assert.ok(Math.abs(r.reliability - 0.75) < 0.03, `reliability ${r.reliability}`);
    assert.equal(candidateReliability(table.select('id', 'set', 'label', 'raw_seed0'), 0), undefined);
  });
});
