import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { loadExperimentData } from '../../src/design/experiment-data';
import { layerMemorization } from '../../src/measure/layer-memorization';
import { localizationStudy, type LocalizationStudy } from '../../src/findings/localization-study';
import { layerMemProfile, localizationVerdict, mostMemorizingUnits, unitMemProfile } from '../../src/findings/localization-summary';
import { preset } from '../../src/design/presets';
import { trainedEncoders } from '../../src/plans/trained-encoders';
import { runStore } from '../../src/runs/run-store';

const dir = mkdtempSync(join(tmpdir(), 'sslmem-localization-'));
before(async () => {
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const layers = ['hidden1', 'hidden2', 'out'];

/**
 * A study with known answers: LayerMem gap S_C - S_S = gap(framework, depth, seed) on every
 * point; per encoder and layer 20 units, the top `seen(framework, layer, side, seed)` of
 * them (by UnitMem) driven by a point of the encoder's own training set.
 */
function synthetic(
  gap: (framework: string, depth: number, seed: number) => number,
  seen: (framework: string, layer: string, side: string, seed: number) => number,
  unitLevel: (framework: string) => number,
): LocalizationStudy {
  const lrows: Array<Record<string, unknown>> = [];
  const urows: Array<Record<string, unknown>> = [];
  for (const framework of ['simclr', 'supervised']) {
    for (const seed of [0, 1, 2]) {
      layers.forEach((layer, l) => {
        for (let id = 0; id < 10; id++) {
          for (const set of ['S_C', 'S_S']) {
            const score = (set === 'S_C' ? gap(framework, l + 1, seed) : 0) + 0.001 * ((id * 7 + seed) % 5);
            lrows.push({ framework, seed, layer, depth: l + 1, id: set === 'S_C' ? id : 100 + id, set, label: id % 10, align_f: 0, align_g: score, score_raw: score, score_range: score, score_ratio: 0 });
          }
        }
        for (const side of ['f', 'g']) {
          for (let unit = 0; unit < 20; unit++) {
            const mem = unitLevel(framework) - 0.01 * unit;
            const isSeen = unit < 2 ? unit < seen(framework, layer, side, seed) : unit % 2 === 0;
            const topSet = (side === 'f') === isSeen ? 'S_C' : 'S_I';
            urows.push({ framework, seed, side, layer, depth: l + 1, unit, unit_mem: mem, top_id: topSet === 'S_C' ? unit % 10 : 500 + unit, top_set: topSet, seen: isSeen, signed: layer === 'out' });
          }
        }
      });
    }
  }
  return { configs: {}, layers: aq.from(lrows), units: aq.from(urows) };
}

describe('localization study: profiles and verdicts on known data', () => {
  test('LayerMem profile: set means, gap with its spread over seeds, Welch p', () => {
    const s = synthetic((_, depth, seed) => 0.01 * depth + 0.001 * seed, () => 2, () => 0.8);
    const profile = layerMemProfile(s).objects() as any[];
    assert.deepEqual(profile.map((r) => `${r.framework}/${r.layer}`), ['simclr/hidden1', 'simclr/hidden2', 'simclr/out', 'supervised/hidden1', 'supervised/hidden2', 'supervised/out']);
    assert.ok(Math.abs(profile[2].gap - (0.03 + 0.001)) < 1e-12, String(profile[2].gap));
    assert.ok(Math.abs(profile[2].gap_sd - 0.001) < 1e-12, String(profile[2].gap_sd));
    assert.equal(profile[0].seeds, 3);
    assert.ok(profile[0].p < 1e-6);
  });

  test('UnitMem profile: units per encoder, quantiles, share of top units driven by seen points', () => {
    const s = synthetic(() => 0.01, () => 2, () => 0.8);
    const profile = unitMemProfile(s).objects() as any[];
    const f1 = profile.find((r) => r.framework === 'simclr' && r.side === 'f' && r.layer === 'hidden1');
    assert.equal(f1.units, 20);
    assert.equal(f1.signed, false);
    assert.ok(Math.abs(f1.max - 0.8) < 1e-12);
    assert.equal(f1.at_one, 0);
    assert.equal((unitMemProfile(synthetic(() => 0.01, () => 2, () => 1.005)).objects() as any[])[0].at_one, 1 / 20);
    assert.equal(f1.top_seen, 1, 'the top 10% (2 of 20 units) are both seen');
    assert.equal(profile.find((r) => r.layer === 'out').signed, true);
    const top = mostMemorizingUnits(s, { framework: 'simclr', count: 3 }).objects() as any[];
    assert.equal(top.length, 3);
    assert.ok(top.every((r) => r.side === 'f' && r.seed === 0 && r.layer !== 'out'), 'signed layers are left out');
  });

  test('verdict holds when the gap rises with depth, top units are seen in every unsigned layer and SSL units memorise more', () => {
    const v = localizationVerdict(synthetic((_, depth, seed) => 0.01 * depth + 0.002 * seed, (_, __, ___, seed) => (seed === 0 ? 1 : 2), (f) => (f === 'supervised' ? 0.5 : 0.8)));
    assert.equal(v.frameworks.length, 1, 'supervised is the contrast, not a framework of the verdict');
    const [simclr] = v.frameworks;
    assert.equal(simclr.depth.rises, true);
    assert.deepEqual(simclr.layers.map((l) => l.layer), ['hidden1', 'hidden2']);
    assert.ok(simclr.layers.every((l) => l.above && l.topSeen > 0.8));
    assert.equal(v.depthHolds, true);
    assert.equal(v.distributedHolds, true);
    assert.equal(v.contrastHolds, true);
  });

  test('verdict fails for a flat profile, a layer at chance and supervised units as memorising', () => {
    const v = localizationVerdict(
      synthetic((_, depth, seed) => 0.01 + 0.001 * ((depth * 3 + seed * 5) % 4) - 0.0005 * depth, (_, layer, __, seed) => (layer === 'hidden2' ? (seed === 1 ? 2 : 1) : 2), () => 0.8),
    );
    const [simclr] = v.frameworks;
    assert.equal(simclr.depth.rises, false);
    assert.equal(simclr.layers.find((l) => l.layer === 'hidden1')!.above, true);
    assert.equal(simclr.layers.find((l) => l.layer === 'hidden2')!.above, false);
    assert.equal(v.depthHolds, false);
    assert.equal(v.distributedHolds, false);
    assert.equal(v.contrastHolds, false);
  });
});

describe('localizationStudy on the quick preset', () => {
  const config = withOverrides(preset('quick'), { train: { epochs: 3, checkpointEpochs: [] } });
  const store = runStore(join(dir, 'runs'));

  test('tables match layerMemorization, units cover every layer of f and g; a second call reads the run store', async () => {
    const messages: string[] = [];
    const study = await localizationStudy(config, { frameworks: ['simclr'], store, workers: 1, augmentations: 2, onProgress: (m) => messages.push(m) });
    assert.ok(messages.includes('simclr: LayerMem of seed 0') && messages.includes('simclr: UnitMem of g seed 0'), messages.join('; '));
    const data = await loadExperimentData(config);
    const pair = await trainedEncoders(config, { store, workers: 1 });
    try {
      const direct = await layerMemorization(config, data, pair.f, pair.g);
      const mine = study.layers.select('layer', 'id', 'set', 'score_raw').objects();
      assert.deepEqual(mine, direct.select('layer', 'id', 'set', 'score_raw').objects());
    } finally {
      pair.dispose();
    }
    const n = data.split.S_C.length + data.split.S_I.length;
    assert.ok(n > 0);
    const perLayer = study.units.groupby('side', 'layer').count().objects() as any[];
    assert.equal(perLayer.length, 2 * 3);
    assert.deepEqual(new Set(study.units.array('top_set') as string[]), new Set(['S_C', 'S_I']));
    for (const r of study.units.objects() as any[]) assert.equal(r.seen, (r.side === 'f') === (r.top_set === 'S_C'));
    const again = await localizationStudy(config, { frameworks: ['simclr'], store, workers: 1, augmentations: 2, onProgress: (m) => messages.push(`again ${m}`) });
    assert.ok(!messages.some((m) => m.startsWith('again simclr: LayerMem')), 'read from the run store, not computed again');
    assert.deepEqual(again.layers.objects(), study.layers.objects());
    assert.deepEqual(again.units.objects(), study.units.objects());
  });
});
