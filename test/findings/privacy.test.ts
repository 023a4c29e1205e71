import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { withObjective } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { privacyConfigs, privacySummary, privacyVerdict } from '../../src/findings/privacy-study';

/** A study table with known answers: per epsilon and seed, a gap and an accuracy. */
function study(gap: (epsilon: number, seed: number) => number, accuracy: (epsilon: number, seed: number) => number) {
  const rows = [Infinity, 20, 8, 2].flatMap((epsilon) =>
    [0, 1, 2].map((seed) => ({ epsilon, seed, noise: epsilon === Infinity ? 0 : 10 / epsilon, epsilon_spent: epsilon, gap_raw: gap(epsilon, seed), gap_range: gap(epsilon, seed) * 10, S_C_raw: 0, S_C_range: 0, accuracy: accuracy(epsilon, seed) })),
  );
  return aq.from(rows);
}
const level = (e: number) => (e === Infinity ? 4 : e === 20 ? 3 : e === 8 ? 2 : 1);

describe('privacy study', () => {
  test('privacyConfigs: every level on the same per-example architecture; Infinity without dp', () => {
    const byol = withObjective(preset('quick'), 'byol');
    const levels = privacyConfigs(byol, [Infinity, 8]);
    assert.deepEqual(levels.map((l) => l.epsilon), [Infinity, 8]);
    assert.equal(levels[0].config.dp, undefined);
    assert.deepEqual(levels[1].config.dp, { epsilon: 8 });
    for (const l of levels) assert.equal((l.config.objective.projector as { norm: string }).norm, 'layer');
    assert.deepEqual(privacyConfigs(byol, [4], { clip: 0.5 })[0].config.dp, { clip: 0.5, epsilon: 4 });
  });

  test('the verdict holds when memorization and accuracy both fall with epsilon, and not otherwise', () => {
    const both = privacyVerdict(study((e, s) => 0.01 * level(e) + 0.001 * s, (e, s) => 0.5 + 0.1 * level(e) - 0.01 * s));
    assert.equal(both.holds, true);
    assert.ok(both.memorization.rho > 0.9 && both.memorization.pValue < 0.01);
    const flat = privacyVerdict(study((_, s) => [0.01, -0.02, 0.005][s], (e) => 0.5 + 0.1 * level(e)));
    assert.equal(flat.memorization.falls, false);
    assert.equal(flat.accuracy.falls, true);
    assert.equal(flat.holds, false);
    const rising = privacyVerdict(study((e) => -level(e), (e) => level(e)));
    assert.equal(rising.memorization.falls, false, 'memorization that grows as epsilon falls does not count');
    assert.equal(privacyVerdict(study((e) => -level(e), (e) => level(e)), { column: 'accuracy' }).memorization.falls, true);
  });

  test('privacySummary: mean and sd over seeds per level', () => {
    const s = privacySummary(study((e, seed) => level(e) + seed, () => 0.9)).objects() as Array<Record<string, number>>;
    assert.deepEqual(s.map((r) => r.epsilon), [Infinity, 20, 8, 2]);
    assert.equal(s[0].gap_raw, 5);
    assert.equal(s[0].gap_raw_sd, 1);
    assert.equal(s[0].seeds, 3);
    assert.equal(s[3].accuracy, 0.9);
  });
});
