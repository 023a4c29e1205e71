import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { findings } from '../../src/findings/registry';
import { planJobs } from '../../src/findings/finding';
import { flatteningTest } from '../../src/findings/over-epochs/flattening-test';
import { overEpochsSettings } from '../../src/findings/over-epochs/settings';
import type { OverEpochs } from '../../src/findings/over-epochs/study';
import { overEpochsVerdict } from '../../src/findings/over-epochs/verdict';
import { jobKey } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { createRng } from '../../src/util/rng';
import { recordingRunner } from './record-runs';
import { tinyConfig } from './tiny-config';

before(async () => {
  await initBackend();
});

const tiny = tinyConfig();

/** An over-epochs result with chosen loss, accuracy and per-point score changes (no training). */
function synthetic(o: { loss: [number, number]; accuracy: [number, number]; growthC: number; growthS: number }): OverEpochs {
  const rng = createRng(1);
  const perSeed = [];
  const scores = { epoch: [] as number[], id: [] as number[], set: [] as string[], label: [] as number[], score_raw: [] as number[], score_ratio: [] as number[] };
  for (const [k, epoch] of [100, 200].entries()) {
    for (const seed of [0, 1, 2]) perSeed.push({ epoch, seed, ssl_loss_f: o.loss[k] + 0.001 * seed, probe_accuracy_f: o.accuracy[k], gap_raw: 0, gap_ratio: k * (o.growthC - o.growthS + 0.002 * seed) });
  }
  const base = Array.from({ length: 400 }, () => rng.normal() * 0.05);
  for (const epoch of [100, 200]) {
    base.forEach((b, i) => {
      const set = i < 200 ? 'S_C' : 'S_S';
      const growth = epoch === 200 ? (set === 'S_C' ? o.growthC : o.growthS) + 0.01 * rng.normal() : 0;
      scores.epoch.push(epoch);
      scores.id.push(i);
      scores.set.push(set);
      scores.label.push(i % 10);
      scores.score_raw.push(b + growth);
      scores.score_ratio.push(b + growth);
    });
  }
  const table = aq.table(scores);
  const pooled = [100, 200].flatMap((epoch) =>
    ['score_raw', 'score_ratio'].map((score) => {
      const mean = (set: string) => aq.agg(table.filter(aq.escape((d: { epoch: number; set: string }) => d.epoch === epoch && d.set === set)), aq.op.mean(score)) as number;
      return { epoch, score, mean_S_C: mean('S_C'), mean_S_S: mean('S_S'), gap: mean('S_C') - mean('S_S'), t: 0, p_value: 1 };
    }),
  );
  return { perSeed: aq.from(perSeed), pooled: aq.from(pooled), scores: table };
}

describe('flatteningTest', () => {
  test('flat loss and accuracy while S_C rises more than S_S: holds, with the numbers', () => {
    const r = flatteningTest(synthetic({ loss: [3.8, 3.75], accuracy: [0.93, 0.935], growthC: 0.01, growthS: 0 }));
    assert.equal(r.from, 100);
    assert.equal(r.to, 200);
    assert.ok(Math.abs(r.lossChange.mean - (3.75 - 3.8) / 3.8) < 1e-3);
    assert.ok(Math.abs(r.accuracyChange.mean - 0.005) < 1e-9);
    assert.ok(Math.abs(r.growth - 0.01) < 0.003, String(r.growth));
    assert.ok(Math.abs(r.gapTo - r.gapFrom - r.growth) < 1e-9, 'growth = change of the gap');
    assert.equal(r.flattened, true);
    assert.equal(r.grew, true);
    assert.equal(r.holds, true);
  });

  test('a loss still falling, or a gap that does not grow, does not hold', () => {
    const falling = flatteningTest(synthetic({ loss: [4.5, 3.8], accuracy: [0.93, 0.935], growthC: 0.01, growthS: 0 }));
    assert.equal(falling.flattened, false);
    assert.equal(falling.holds, false);
    const learning = flatteningTest(synthetic({ loss: [3.8, 3.78], accuracy: [0.90, 0.93], growthC: 0.01, growthS: 0 }));
    assert.equal(learning.flattened, false);
    const stale = flatteningTest(synthetic({ loss: [3.8, 3.79], accuracy: [0.93, 0.93], growthC: 0.005, growthS: 0.005 }));
    assert.equal(stale.flattened, true);
    assert.equal(stale.grew, false);
    assert.equal(stale.holds, false);
    assert.throws(() => flatteningTest(synthetic({ loss: [1, 1], accuracy: [1, 1], growthC: 0, growthS: 0 }), { from: 150 }), /a measured epoch \(100, 200\)/);
  });
});

describe('over-epochs verdict', () => {
  test('the two report lines per score and the sentence, as notebook 01 printed them', () => {
    const study = { ...synthetic({ loss: [3.8, 3.75], accuracy: [0.93, 0.935], growthC: 0.01, growthS: 0 }), settings: overEpochsSettings('quick') };
    const v = overEpochsVerdict(study);
    assert.equal(v.holds, true);
    assert.equal(v.lines.length, 7);
    assert.match(v.lines[0], /^score_ratio, epochs 100 -> 200: SSL loss -1\.3\d% \(std 0\.00%\), probe accuracy 0\.50 points \(std 0\.00\); gap /);
    assert.equal(v.lines[1], '  loss and accuracy flattened (thresholds 5% and 1 points); the gap grew significantly (alpha 0.01)');
    assert.match(v.lines[2], /^score_raw, epochs 100 -> 200/);
    assert.equal(v.sentence, 'The claim holds at this scale: loss and accuracy have flattened while memorization still grows.');
    assert.match(v.lines[4], /^seed by seed \(ratio\): the gap grew in 3 of 3 seeds; a paired test of the growth over seeds \(p < 0\.01, power 0\.8\): \d seeds \(difference 0\.0120 \+- 0\.0020 over 3 seeds\)$/);
    assert.match(v.lines[5], /^what the verdict rests on: the gap S_C - S_S \(ratio\) at epochs 100 and 200, a mean over \d+ candidates against \d+ shared points, .* the \d+ training seeds? per side limits the test \(the seed line\); accuracy: a linear probe on \d+ labels, the one downstream task$/);
    assert.equal(v.lines[6], v.sentence);
    assert.deepEqual(v.parts.map((p) => p.holds), [true, true]);
    const falling = overEpochsVerdict({ ...synthetic({ loss: [4.5, 3.8], accuracy: [0.93, 0.935], growthC: 0.005, growthS: 0.005 }), settings: overEpochsSettings('quick') });
    assert.equal(falling.holds, false);
    assert.equal(falling.sentence, 'The claim is not confirmed at this scale: over the second half of training (epochs 100 to 200) loss or accuracy still changed and the gap did not grow significantly.');
    assert.deepEqual(falling.parts.map((p) => p.holds), [false, false]);
  });

  test('describe: the preset, its 50/25/25 regime and the encoders shared with notebook 00', () => {
    assert.deepEqual(findings['over-epochs'].describe(overEpochsSettings('quick')), [
      'preset quick, regime 50/25/25 of 400: 400 training points (S_S/S_C/S_I = 0.5/0.25/0.25), 30 epochs, checkpoints 10, 20, seeds 0',
      "encoders: the same 2 as notebook 00's regime 50/25/25 of 400",
    ]);
  });
});

describe('over-epochs finding: a run through a runner (tiny synthetic)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-over-epochs-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('the plan is every training; measuring at every checkpoint trains nothing', async () => {
    const settings = { ...overEpochsSettings('quick'), config: tiny };
    const { runner, calls } = recordingRunner(runStore(root));
    const plan = await findings['over-epochs'].plan(settings, { runner });
    assert.equal(plan.stages.length, 1);
    const study = await findings['over-epochs'].run(settings, { runner });
    assert.deepEqual(calls[0].plan.map(jobKey), planJobs(plan).map(jobKey));
    assert.equal(calls[0].outcome.trained.length, 4);
    assert.ok(calls.length > 1);
    for (const call of calls.slice(1)) assert.equal(call.outcome.trained.length, 0, 'measurements train nothing');

    assert.deepEqual(study.perSeed.columnNames(), ['epoch', 'seed', 'ssl_loss_f', 'probe_accuracy_f', 'gap_raw', 'gap_ratio']);
    assert.equal(study.perSeed.numRows(), 2 * 2);
    assert.equal(study.pooled.numRows(), 2 * 2, 'epochs x scores');
    assert.equal(study.scores.numRows(), 2 * (32 + 16));
    const r = flatteningTest(study);
    assert.deepEqual([r.from, r.to, r.score], [2, 4, 'score_ratio']);
    assert.equal(typeof r.holds, 'boolean');
    const tables = findings['over-epochs'].summary(study);
    assert.deepEqual(Object.keys(tables), ['by_epoch', 'by_seed', 'pooled', 'per_seed', 'scores']);
    assert.deepEqual(tables.by_epoch.columnNames(), ['epoch', 'gap_ratio', 'gap_raw', 'probe_accuracy_f', 'ssl_loss_f'], 'as notebook 01 shows it');
    assert.deepEqual(tables.by_epoch.array('epoch'), [2, 4]);
    const gapRatio = (study.perSeed.array('gap_ratio') as number[]).slice(2);
    assert.ok(Math.abs((tables.by_epoch.array('gap_ratio') as number[])[1] - (gapRatio[0] + gapRatio[1]) / 2) < 1e-12, 'mean over seeds at epoch 4');
    assert.deepEqual(findings['over-epochs'].figures(study).map((f) => f.name), ['ssl-loss', 'probe-accuracy', 'gap-over-epochs']);
    const verdict = findings['over-epochs'].verdict(study);
    assert.equal(verdict.lines.length, 7);
    assert.equal(verdict.holds, r.holds);
  });
});
