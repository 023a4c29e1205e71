import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { atypicalityStudy, atypicalityTests, classCentred } from '../../src/measure/atypicality';
import { sharedEncoders } from '../../src/plans/encoder-run';
import { withOverrides } from '../../src/design/experiment-config';
import { flatteningTest } from '../../src/findings/flattening-test';
import { memorizationLevels } from '../../src/measure/memorization-levels';
import { memorizationOverEpochs, type OverEpochs } from '../../src/findings/memorization-over-epochs';
import { preset, scaleRegimes } from '../../src/design/presets';
import { regimeStudy } from '../../src/findings/regime-study';
import { scoresOverSplits } from '../../src/findings/scores-over-splits';
import { runStore } from '../../src/runs/run-store';
import { createRng } from '../../src/util/rng';

/** An over-epochs result with chosen loss, accuracy and per-point score changes (no training). */
function synthetic(o: { loss: [number, number]; accuracy: [number, number]; growthC: number; growthS: number }): OverEpochs {
  const rng = createRng(1);
  const perSeed = [];
  const scores = { epoch: [] as number[], id: [] as number[], set: [] as string[], label: [] as number[], score_raw: [] as number[], score_ratio: [] as number[] };
  for (const [k, epoch] of [100, 200].entries()) {
    for (const seed of [0, 1, 2]) perSeed.push({ epoch, seed, ssl_loss_f: o.loss[k] + 0.001 * seed, probe_accuracy_f: o.accuracy[k], gap_raw: 0, gap_ratio: 0 });
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

describe('class centring, levels and the atypicality tests', () => {
  test('classCentred subtracts the class mean of the reference set (per split)', () => {
    const t = aq.table({
      split_seed: [0, 0, 0, 0, 1, 1],
      set: ['S_S', 'S_S', 'S_C', 'S_C', 'S_S', 'S_C'],
      label: [3, 3, 3, 6, 6, 6],
      score_raw: [0.1, 0.3, 0.5, 0.7, 1.0, 1.5],
    });
    assert.throws(() => classCentred(t), /S_S of class 6 in split 0/);
    const ok = classCentred(t.filter((d: { label: number; split_seed: number }) => !(d.label === 6 && d.split_seed === 0)));
    assert.deepEqual((ok.array('score_centred') as number[]).map((v) => Math.round(v * 1e6) / 1e6), [-0.1, 0.1, 0.3, 0, 0.5]);
  });

  test('rescaled levels reach 0 and 1 also when scores straddle 0', () => {
    const t = aq.table({ set: ['S_C', 'S_C', 'S_C', 'S_C', 'S_S'], s: [-0.5, 0, 0.25, 0.5, 9] });
    const levels = memorizationLevels(t, { score: 's', rescale: true });
    assert.deepEqual(levels.array('level_value'), [1, 0.75, 0.5, 0]);
    assert.deepEqual(levels.array('level'), ['>= 0.8', '[0.6, 0.8)', '[0.4, 0.6)', '[0, 0.2)']);
    assert.deepEqual(memorizationLevels(t, { score: 's' }).array('level'), ['[0.4, 0.6)', '[0.2, 0.4)', '[0, 0.2)', '< 0']);
  });

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
});

describe('recipes of the finding notebooks (tiny synthetic runs)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-findings-'));
  const store = runStore(root);
  const config = withOverrides(preset('quick', 'synthetic'), {
    split: { trainSize: 80, extraSize: 20, fractions: { shared: 0.2, candidate: 0.4, independent: 0.4 } },
    encoder: { hidden: [16], outDim: 8 },
    objective: { projector: { hidden: [8], outDim: 8 } },
    train: { epochs: 4, batchSize: 16, checkpointEpochs: [2] },
    seeds: [0, 1],
    score: { pairs: 2 },
    probe: { trainSize: 80, testSize: 20, epochs: 3 },
  });
  before(async () => {
    await initBackend();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('regimeStudy: a row per regime, epoch and number of seeds; the first regime shares the base config\'s encoders', async () => {
    const regimes = [
      { name: 'base', overrides: {} },
      { name: 'bigger', overrides: { split: { trainSize: 120 } } },
    ];
    const study = await regimeStudy(config, { regimes, store, workers: 1 });
    assert.deepEqual(study.columnNames(), ['regime', 'train_size', 'candidates', 'per_encoder', 'epoch', 'seeds', 'image_epochs', 'train_seconds', 'ssl_loss_f', 'mean_S_C', 'mean_S_S', 'mean_S_E', 'gap', 't', 'p_value']);
    assert.equal(study.numRows(), 2 * 2 * 2);
    const bigger = (study.objects() as Array<{ regime: string; candidates: number; per_encoder: number }>).find((r) => r.regime === 'bigger')!;
    assert.deepEqual([bigger.candidates, bigger.per_encoder], [48, 72]);
    for (const r of study.objects() as Array<{ gap: number; mean_S_C: number; mean_S_S: number; p_value: number }>) {
      assert.ok(Math.abs(r.gap - (r.mean_S_C - r.mean_S_S)) < 1e-12);
      assert.ok(r.p_value >= 0 && r.p_value <= 1);
    }
    assert.equal(sharedEncoders(config, withOverrides(config, regimes[0].overrides)), 4);
    assert.equal(sharedEncoders(config, withOverrides(config, regimes[1].overrides)), 0);
    assert.equal(sharedEncoders(config, withOverrides(config, { score: { pairs: 9 }, seeds: [1, 5] })), 2, 'seed 1 on both sides; scoring does not matter');
    assert.equal(scaleRegimes('laptop')[0].overrides && Object.keys(scaleRegimes('laptop')[0].overrides).length, 0, 'the laptop preset is the first regime');
  });

  test('memorizationOverEpochs + flatteningTest and scoresOverSplits + atypicalityStudy run on stored encoders', async () => {
    const over = await memorizationOverEpochs(config, { store, workers: 1 });
    assert.deepEqual(over.perSeed.columnNames(), ['epoch', 'seed', 'ssl_loss_f', 'probe_accuracy_f', 'gap_raw', 'gap_ratio']);
    assert.equal(over.perSeed.numRows(), 2 * 2);
    assert.equal(over.pooled.numRows(), 2 * 2, 'epochs x scores');
    assert.equal(over.scores.numRows(), 2 * (32 + 16));
    const r = flatteningTest(over);
    assert.deepEqual([r.from, r.to, r.score], [2, 4, 'score_ratio']);
    assert.equal(typeof r.holds, 'boolean');
    const splits = await scoresOverSplits(config, [0, 1], { store, workers: 1 });
    assert.deepEqual(splits.tests.array('split_seed'), [0, 1]);
    assert.deepEqual(splits.tests.array('n_C'), [32, 32]);
    assert.equal(splits.scores.numRows(), 2 * (16 + 32 + 32 + 20));
    const study = await atypicalityStudy(config, { splitSeeds: [0, 1], store });
    assert.equal(study.numRows(), 2 * (32 + 20));
    for (const column of ['pixel_atypicality', 'representation_atypicality', 'score_centred']) {
      assert.ok((study.array(column) as number[]).every(Number.isFinite), column);
    }
  });
});
