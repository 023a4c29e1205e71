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
import { localizationFinding } from '../../src/findings/localization';
import { localizationSettings, type LocalizationSettings } from '../../src/findings/localization/settings';
import { localizationTables } from '../../src/findings/localization/study';
import { layerMemProfile, mostMemorizingUnits, unitMemProfile, type LocalizationTables } from '../../src/findings/localization/summary';
import { localizationTests, localizationProjection, localizationVerdict } from '../../src/findings/localization/verdict';
import { pairedSeedsFor } from '../../src/stats/projection';
import { normalQuantile } from '../../src/stats/distribution-quantiles';
import { findingNamed } from '../../src/findings/registry';
import { jobKey } from '../../src/plans/job-key';
import { trainedEncoders } from '../../src/plans/trained-encoders';
import { runStore } from '../../src/runs/run-store';
import { recordingRunner } from './record-runs';

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
): LocalizationTables {
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
  return { layers: aq.from(lrows), units: aq.from(urows) };
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
    const s = synthetic((_, depth, seed) => 0.01 * depth + 0.002 * seed, (_, __, ___, seed) => (seed === 0 ? 1 : 2), (f) => (f === 'supervised' ? 0.5 : 0.8));
    const v = localizationTests(s);
    assert.equal(v.frameworks.length, 1, 'supervised is the contrast, not a framework of the verdict');
    const [simclr] = v.frameworks;
    assert.equal(simclr.depth.rises, true);
    assert.deepEqual(simclr.layers.map((l) => l.layer), ['hidden1', 'hidden2']);
    assert.ok(simclr.layers.every((l) => l.above && l.topSeen > 0.8));
    assert.equal(v.depthHolds, true);
    assert.equal(v.distributedHolds, true);
    assert.equal(v.contrastHolds, true);
    const verdict = localizationVerdict(s);
    assert.deepEqual(verdict.parts.map((p) => [p.name, p.holds]), [
      ['memorization rises with depth', true],
      ['memorizing units sit in every relu layer', true],
      ['SSL units memorise more than supervised ones', true],
      ['the driving points are the more memorized ones', false],
    ]);
    assert.equal(verdict.holds, false);
    assert.equal(verdict.sentence, '3 of 4 parts hold for every SSL framework: the claim is not confirmed at this scale.');
    assert.equal(verdict.lines.at(-1), verdict.sentence);
    assert.match(verdict.lines[0], /^simclr hidden1: S_C \d\.\d\de-2, S_S \d\.\d\de-3, gap \d\.\d\de-2 \+- 2\.0e-3 \(p < 0\.001\)$/);
    assert.equal(verdict.lines.filter((l) => / UnitMem mean /.test(l)).length, 2 * 2 * 2, 'framework x side x relu layer');
    assert.equal(verdict.lines.length, 6 + 8 + 4 + 1 + 1 + 4 + 1);
    assert.match(verdict.lines[19], /^What it would take \(p < 0\.01 with power 0\.8 if the measured effects were the truth\): simclr: (driving candidates against the claim|driving candidates \d+(\.\d)? times as many candidates)\.$/);
    assert.match(verdict.lines[18], /^Reliability of each framework's ranking of its candidates by last-layer LayerMem \(what the driving-point test compares; mean of 3 seeds, Spearman-Brown, 95% bootstrap interval\): simclr -?\d\.\d\d \[-?\d\.\d\d, -?\d\.\d\d\], supervised -?\d\.\d\d/);
  });

  test('verdict fails for a flat profile, a layer at chance and supervised units as memorising', () => {
    const v = localizationTests(
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

describe('the localization finding on the quick preset', () => {
  const base = localizationSettings('quick');
  const settings: LocalizationSettings = { ...base, config: withOverrides(base.config, { train: { epochs: 3, checkpointEpochs: [] } }), frameworks: ['simclr', 'supervised'], augmentations: 2 };
  const store = runStore(join(dir, 'runs'));

  test("the notebook's settings and description", () => {
    const s = localizationSettings('quick');
    assert.deepEqual(s.frameworks, ['simclr', 'vicreg', 'supervised']);
    const lines = localizationFinding.describe(s);
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^simclr {5}encoder \{"kind":"mlp",.*objective \{"name":"simclr"/);
    assert.match(lines[2], /^supervised encoder .*objective \{"name":"supervised"/);
    assert.equal(lines[3], '1 seed(s) per side, 30 epochs');
    assert.equal(findingNamed('localization'), localizationFinding);
  });

  test('one stage trains every framework; tables match layerMemorization, units cover every layer of f and g; the run store answers again', async () => {
    const plan = await localizationFinding.plan(settings, { store });
    assert.deepEqual(plan.stages.map((s) => s.name), ['encoders']);
    assert.equal(plan.stages[0].jobs?.length, 2 * 2, 'two frameworks, one f and one g');
    const { runner, calls } = recordingRunner(store);
    const study = await localizationFinding.run(settings, { runner });
    assert.deepEqual(calls[0].plan.map(jobKey), plan.stages[0].jobs!.map(jobKey), 'the first call is the one stage');
    assert.equal(calls[0].outcome.trained.length, 4);
    for (const later of calls.slice(1)) assert.equal(later.outcome.trained.length, 0, 'measurements train nothing');

    const config = settings.config;
    const data = await loadExperimentData(config);
    const pair = await trainedEncoders(config, { runner });
    try {
      const direct = await layerMemorization(config, data, pair.f, pair.g);
      const mine = study.layers.filter((d: any) => d.framework === 'simclr').select('layer', 'id', 'set', 'score_raw').objects();
      assert.deepEqual(mine, direct.select('layer', 'id', 'set', 'score_raw').objects());
    } finally {
      pair.dispose();
    }
    const perLayer = study.units.filter((d: any) => d.framework === 'simclr').groupby('side', 'layer').count().objects() as any[];
    assert.equal(perLayer.length, 2 * 3);
    assert.deepEqual(new Set(study.units.array('top_set') as string[]), new Set(['S_C', 'S_I']));
    for (const r of study.units.objects() as any[]) assert.equal(r.seen, (r.side === 'f') === (r.top_set === 'S_C'));
    assert.equal(study.topUnits.length, 2);
    assert.equal(study.topUnits[0].indices.length, 16);
    assert.match(study.topUnits[0].line, /^simclr: the 16 most memorizing units of f \(seed 0\); \d+ of 16 are driven by a point f trained on; layers hidden/);
    assert.ok(study.topUnits[0].indices.every((id) => id < study.images.labels.length));
    assert.match(study.lines.trained, /^4 encoders trained or loaded, LayerMem on \d+ \(layer, point, seed\) rows and UnitMem of \d+ units in \d+\.\d min$/);

    const tables = localizationFinding.summary(study);
    assert.deepEqual(Object.keys(tables), ['layers', 'units', 'top_units']);
    assert.equal(tables.layers.numRows(), 2 * 3);
    assert.equal(tables.top_units.numRows(), 2 * 16);
    assert.deepEqual(localizationFinding.figures(study).map((f) => f.name), ['layermem-gap-by-depth', 'candidates-layermem-by-depth', 'unitmem-simclr', 'unitmem-supervised']);
    const verdict = localizationFinding.verdict(study);
    assert.equal(verdict.parts.length, 4);
    assert.equal(verdict.parts[0].holds, false, 'one seed: three (layer, seed) pairs cannot show a trend');

    const messages: string[] = [];
    const again = await localizationTables(settings, runner, { onProgress: (m) => messages.push(m) });
    assert.deepEqual(messages, ['simclr: done', 'supervised: done'], 'read from the run store, not computed again');
    assert.deepEqual(again.layers.objects(), study.layers.objects());
    assert.deepEqual(again.units.objects(), study.units.objects());
    const fresh: string[] = [];
    await localizationTables({ ...settings, frameworks: ['simclr'] }, runner, { refresh: true, onProgress: (m) => fresh.push(m) });
    assert.ok(fresh.includes('simclr: LayerMem of seed 0') && fresh.includes('simclr: UnitMem of g seed 0'), fresh.join('; '));
  });
});

test('localizationProjection: encoders, seeds per side and candidates for the parts that did not hold; effects against a part are not projected', () => {
  const t = normalQuantile(0.99) + normalQuantile(0.8);
  const line = localizationProjection({
    alpha: 0.05,
    depthHolds: true,
    distributedHolds: false,
    frameworks: [
      {
        framework: 'simclr',
        depth: { rho: 0.9, pValue: 0.001, rises: true },
        layers: [
          { layer: 'hidden1', topSeen: 0.6, pValue: 0.2, above: false, sd: 0.1, encoders: 6 },
          { layer: 'hidden2', topSeen: 0.45, pValue: 0.9, above: false, sd: 0.1, encoders: 6 },
          { layer: 'hidden3', topSeen: 0.9, pValue: 0.001, above: true, sd: 0.1, encoders: 6 },
        ],
        distributed: false,
        versusSupervised: { ssl: 0.75, supervised: 0.74, pValue: 0.3, higher: false, sd: 0.01 },
        drivers: { count: 100, driverScore: 2, otherScore: 1, pValue: 0.2, higher: false, t },
      },
    ],
  });
  assert.equal(
    line,
    `What it would take (p < 0.01 with power 0.8 if the measured effects were the truth): simclr: hidden1 units ${pairedSeedsFor({ meanDifference: 0.1, sdDifference: 0.1 })} encoders; hidden2 units (45% seen) against the claim; UnitMem over supervised ${pairedSeedsFor({ meanDifference: 0.01, sdDifference: 0.01 * Math.SQRT2 })} seeds per side; driving candidates 1 times as many candidates.`,
  );
});
