import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/design/presets';
import { regularizerConfigs, regularizerSummary, regularizerVerdict } from '../../src/findings/regularizer-study';
import { encoderRunConfig } from '../../src/plans/encoder-run';
import { runKey } from '../../src/runs/run-key';

before(async () => {
  await initBackend();
});

function study(gap: (w: number, s: number) => number, accuracy: (w: number, s: number) => number) {
  const rows = [];
  for (const weight of [0, 0.5, 1, 2]) for (const seed of [0, 1, 2]) rows.push({ weight, seed, align_f_S_C: 0.1 + weight, S_C_raw: gap(weight, seed), gap_raw: gap(weight, seed), S_C_range: 0, gap_range: 0, accuracy: accuracy(weight, seed) });
  return aq.from(rows);
}

describe('regularizer study', () => {
  test('weight 0 is the plain framework (its encoders are shared); other weights wrap the objective, with the weight in the run key', () => {
    const config = preset('quick');
    const levels = regularizerConfigs(config, [0, 0.5, 2]);
    assert.equal(runKey(encoderRunConfig(levels[0].config, 'f', 0)), runKey(encoderRunConfig(config, 'f', 0)));
    assert.deepEqual(levels[1].config.objective.name, 'align-reg');
    assert.equal((levels[1].config.objective as unknown as { weight: number }).weight, 0.5);
    assert.equal((levels[1].config.objective as unknown as { inner: { name: string } }).inner.name, 'simclr');
    assert.notEqual(runKey(encoderRunConfig(levels[1].config, 'f', 0)), runKey(encoderRunConfig(levels[2].config, 'f', 0)));
  });

  test('verdict: both falling with the weight holds; a flat accuracy does not', () => {
    const down = study((w, s) => 0.01 - 0.004 * w + 0.0001 * s, (w, s) => 0.9 - 0.02 * w - 0.001 * s);
    const v = regularizerVerdict(down);
    assert.equal(v.holds, true);
    assert.ok(v.memorization.rho > 0.9 && v.memorization.pValue < 0.01);
    const flat = regularizerVerdict(study((w) => 0.01 - 0.004 * w, (w, s) => 0.9 + 0.001 * ((s * 7 + w * 3) % 5)));
    assert.equal(flat.memorization.falls, true);
    assert.equal(flat.accuracy.falls, false);
    assert.equal(flat.holds, false);
    const summary = regularizerSummary(down).objects() as any[];
    assert.deepEqual(summary.map((r) => r.weight), [0, 0.5, 1, 2]);
    assert.equal(summary[0].seeds, 3);
    assert.ok(Math.abs(summary[2].accuracy - (0.9 - 0.02 - 0.001)) < 1e-12);
  });
});
