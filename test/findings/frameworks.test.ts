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
      assert.deepEqual(Object.keys(tables), ['frameworks', 'pairs']);
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
      assert.equal(v.lines.length, 3 + 3);
      assert.match(v.lines[0], /^spearman: SSL-SSL -?\d\.\d{3}, SSL-supervised -?\d\.\d{3}, difference -?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\] \(99% bootstrap\), (not )?above 0$/);
      assert.match(v.lines[3], /^pairs with Spearman above chance \(permutation p < 0\.01\): SSL-SSL \d of 1, SSL-supervised \d of 2$/);
      assert.equal(v.lines[5], v.sentence);
    });
  });
});
