import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { findings } from '../../src/findings/registry';
import { planJobs } from '../../src/findings/finding';
import { scaleRegimes, scaleSettings, type ScaleSettings } from '../../src/findings/scale/settings';
import { cheapestSettings } from '../../src/findings/scale/summary';
import { scaleVerdict } from '../../src/findings/scale/verdict';
import type { ScaleStudy } from '../../src/findings/scale/study';
import { sharedEncoders } from '../../src/plans/encoder-run';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { recordingRunner } from './record-runs';
import { tinyConfig } from './tiny-config';

before(async () => {
  await initBackend();
});

const tiny = tinyConfig();

/** A study with hand-made measures (no training). */
function handMade(pValues: Record<string, number[]>, minCandidates = 2): ScaleStudy {
  const rows = Object.entries(pValues).flatMap(([regime, ps]) =>
    ps.map((p, i) => ({ regime, train_size: 80, candidates: 32, per_encoder: 48, epoch: 10 * (i + 1), seeds: 1, image_epochs: 480 * (i + 1), train_seconds: 1.4 * (i + 1), ssl_loss_f: 3, mean_S_C: 0.02, mean_S_S: 0.01, mean_S_E: 0, gap: 0.01, t: 4, p_value: p })),
  );
  const settings: ScaleSettings = { config: withOverrides(tiny, { seeds: [0] }), preset: 'quick', regimes: Object.keys(pValues).map((name, i) => ({ name, overrides: i === 0 ? {} : { split: { trainSize: 120 } } })), alpha: 1e-3, minCandidates };
  return { settings, measures: aq.from(rows), reliability: aq.from([]) };
}

describe('scale finding: cheapest settings and the verdict', () => {
  test('the cheapest significant epoch per regime, ordered by cost; the verdict lines as the notebook printed them', () => {
    const study = handMade({ a: [0.01, 2e-4, 1e-5], b: [5e-4, 1e-6] });
    assert.deepEqual(cheapestSettings(study).array('regime'), ['b', 'a']);
    assert.deepEqual(cheapestSettings(study).array('epoch'), [10, 20]);
    const v = scaleVerdict(study);
    assert.equal(v.holds, true);
    assert.deepEqual(v.parts.map((p) => p.holds), [true, true]);
    assert.equal(v.lines[0], 'b: p = 5.00e-4 (gap 0.0100, t = 4.00) from epoch 10: 48 images x 10 epochs = 480 image-epochs, 1 s per encoder');
    assert.equal(v.sentence, `Cheapest: b (480 image-epochs). The quick preset is a, trained for 4 epochs with checkpoints at 2.`);
    assert.equal(v.lines[v.lines.length - 1], v.sentence);
  });

  test('reliability lines: each regime at its last epoch, and a coupled regime beside its independent twin', () => {
    const base = handMade({ a: [1e-4, 1e-5], c: [1e-4, 1e-5] });
    const settings: ScaleSettings = { ...base.settings, regimes: [{ name: 'a', overrides: {} }, { name: 'c', overrides: { train: { coupling: 'shared-stream' } } }] };
    const row = (regime: string, coupling: string, epoch: number, r: number, low: number, high: number) => ({ regime, coupling, epoch, seeds: 3, between_seeds: r, within_class: r / 2, class_share: 0.1, reliability: (3 * r) / (1 + 2 * r), low, high, ten_seeds: (10 * r) / (1 + 9 * r), seeds_for_0_8: 10 });
    const study: ScaleStudy = { settings, measures: base.measures, reliability: aq.from([row('a', 'independent', 10, 0.1, 0.1, 0.4), row('a', 'independent', 20, 0.3, 0.48, 0.63), row('c', 'shared-stream', 10, 0.1, 0.1, 0.4), row('c', 'shared-stream', 20, 0.5, 0.7, 0.8)]) };
    const v = scaleVerdict(study);
    const at = v.lines.findIndex((l) => l.startsWith('reliability of the ranking of S_C, a at epoch 20'));
    assert.ok(at > 0, v.lines.join('\n'));
    assert.equal(v.lines[at], 'reliability of the ranking of S_C, a at epoch 20: two seeds correlate 0.300 (0.150 within class); the mean of 3 seeds 0.56 [0.48, 0.63], of 10 seeds 0.81; 0.8 takes 10 seeds per side');
    assert.match(v.lines[at + 2], /^coupling, a at epoch 20: two seeds correlate 0\.300 independent, 0\.500 coupled \(shared stream\); reliability of the 3-seed mean 0\.56 \[0\.48, 0\.63\] vs 0\.75 \[0\.70, 0\.80\]; gap S_C - S_S 0\.0100 \(t = 4\.00\) vs 0\.0100 \(t = 4\.00\), at the same cost: coupling agrees better, beyond the intervals$/);
    assert.equal(v.lines.at(-1), v.sentence);
  });

  test('no regime below alpha (or too few candidates): not measurable, each regime named', () => {
    const v = scaleVerdict(handMade({ a: [0.01, 0.002], b: [0.5] }));
    assert.equal(v.holds, false);
    assert.deepEqual(v.lines, [
      'a: never significant at p < 1e-3 in the epochs measured',
      'b: never significant at p < 1e-3 in the epochs measured',
      'No regime shows S_C > S_S at p < 1e-3: memorization is not measurable at this scale.',
    ]);
    assert.equal(scaleVerdict(handMade({ a: [1e-9] }, 500)).holds, false, '32 candidates are fewer than 500');
  });

  test('settings: the preset is the first regime; quick asks for 2 candidates, laptop for 500', () => {
    assert.equal(Object.keys(scaleRegimes('laptop')[0].overrides).length, 0, 'the laptop preset is the first regime');
    assert.equal(scaleSettings('quick').minCandidates, 2);
    assert.equal(scaleSettings('laptop').minCandidates, 500);
    assert.deepEqual(scaleSettings('laptop').regimes.map((r) => r.name), ['20/40/40 of 1250', '20/40/40 of 1250, coupled', '50/25/25 of 2000', '80/10/10 of 5000']);
    assert.deepEqual(scaleRegimes('laptop')[1].overrides, { train: { coupling: 'shared-stream' } }, 'the coupled regime differs from the preset in its coupling only');
    assert.match(findings.scale.describe(scaleSettings('quick')).join('\n'), /regime 50\/25\/25 of 400: S_S\/S_C\/S_I = 200\/100\/100 of 400, 300 images per encoder, 30 epochs, 1 seed\(s\) per side: 2 encoders \(0 the preset's own\)/);
  });
});

describe('scale finding: a run through a runner (tiny synthetic)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-scale-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('one stage trains every regime; measuring trains nothing; a row per regime, epoch and number of seeds', async () => {
    const settings: ScaleSettings = {
      config: tiny,
      preset: 'quick',
      regimes: [
        { name: 'base', overrides: {} },
        { name: 'bigger', overrides: { split: { trainSize: 120 } } },
        { name: 'base, coupled', overrides: { train: { coupling: 'shared-stream' } } },
      ],
      alpha: 1e-3,
      minCandidates: 2,
    };
    const { runner, calls } = recordingRunner(runStore(root));
    const plan = await findings.scale.plan(settings, { runner });
    assert.equal(plan.stages.length, 1);
    assert.equal(planJobs(plan).length, 2 * 2 * 3, 'f and g, two seeds, three regimes');
    const study = await findings.scale.run(settings, { runner });
    assert.deepEqual(calls[0].plan.map(jobKey), planJobs(plan).map(jobKey), 'the first call is the stage');
    assert.equal(calls[0].outcome.trained.length, 12);
    assert.ok(calls.length > 1);
    for (const call of calls.slice(1)) assert.equal(call.outcome.trained.length, 0, 'measurements train nothing');

    const measures = study.measures;
    assert.deepEqual(measures.columnNames(), ['regime', 'train_size', 'candidates', 'per_encoder', 'epoch', 'seeds', 'image_epochs', 'train_seconds', 'ssl_loss_f', 'mean_S_C', 'mean_S_S', 'mean_S_E', 'gap', 't', 'p_value']);
    assert.equal(measures.numRows(), 3 * 2 * 2);
    const bigger = (measures.objects() as Array<{ regime: string; candidates: number; per_encoder: number }>).find((r) => r.regime === 'bigger')!;
    assert.deepEqual([bigger.candidates, bigger.per_encoder], [48, 72]);
    for (const r of measures.objects() as Array<{ gap: number; mean_S_C: number; mean_S_S: number; p_value: number }>) {
      assert.ok(Math.abs(r.gap - (r.mean_S_C - r.mean_S_S)) < 1e-12);
      assert.ok(r.p_value >= 0 && r.p_value <= 1);
    }
    const tables = findings.scale.summary(study);
    assert.deepEqual(Object.keys(tables), ['regimes', 'measures', 'all_seeds', 'cheapest', 'reliability']);
    assert.deepEqual(tables.regimes.array('shared_with_base'), [4, 0, 0], 'the coupled regime trains its own encoders');
    assert.equal(tables.all_seeds.numRows(), 3 * 2, 'all seeds only');
    const reliability = study.reliability.objects() as Array<{ regime: string; coupling: string; seeds: number; between_seeds: number; reliability: number }>;
    assert.deepEqual(reliability.map((r) => `${r.regime}/${r.coupling}`), ['base/independent', 'base/independent', 'bigger/independent', 'bigger/independent', 'base, coupled/shared-stream', 'base, coupled/shared-stream']);
    for (const r of reliability) {
      assert.equal(r.seeds, 2);
      assert.ok(Math.abs(r.reliability - (2 * r.between_seeds) / (1 + r.between_seeds)) < 1e-12, 'Spearman-Brown of the 2-seed mean');
    }
    const coupledJobs = planJobs(plan).slice(8).map(jobKey);
    assert.equal(new Set([...coupledJobs, ...planJobs(plan).slice(0, 4).map(jobKey)]).size, 8, 'coupled runs have their own keys');
    assert.equal(findings.scale.figures(study).length, 3);
    const verdict = findings.scale.verdict(study);
    assert.equal(verdict.lines[verdict.lines.length - 1], verdict.sentence);
    assert.equal(verdict.parts.length, 3);
    assert.ok(verdict.lines.some((l) => l.startsWith('coupling, base at epoch 4: two seeds correlate')), verdict.lines.join('\n'));
    assert.equal(verdict.holds, tables.cheapest.numRows() > 0);
  });

  test('sharedEncoders: the first regime shares the base config\'s encoders', () => {
    assert.equal(sharedEncoders(tiny, withOverrides(tiny, {})), 4);
    assert.equal(sharedEncoders(tiny, withOverrides(tiny, { split: { trainSize: 120 } })), 0);
    assert.equal(sharedEncoders(tiny, withOverrides(tiny, { score: { pairs: 9 }, seeds: [1, 5] })), 2, 'seed 1 on both sides; scoring does not matter');
  });
});
