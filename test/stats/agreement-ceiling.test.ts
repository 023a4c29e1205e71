import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { agreementCeiling } from '../../src/stats/agreement-ceiling';
import { pearson } from '../../src/stats/rank-correlation';
import { scoreReliability } from '../../src/stats/score-reliability';
import { InputError } from '../../src/util/errors';
import { createRng, type Rng } from '../../src/util/rng';

/** K seeds of scores: a true score per point plus independent noise of sd `noise` per seed. */
function seedsOf(truth: Float64Array, k: number, noise: number, rng: Rng): Float64Array[] {
  return Array.from({ length: k }, () => Float64Array.from(truth, (t) => t + noise * rng.normal()));
}

function meanOf(columns: readonly Float64Array[]): Float64Array {
  return Float64Array.from(columns[0], (_, i) => columns.reduce((s, c) => s + c[i], 0) / columns.length);
}

describe('agreementCeiling', () => {
  test('perfect reliabilities: the ceiling is 1 and the disattenuated agreement is the observed one', () => {
    const r = agreementCeiling({ observed: 0.37, reliabilityA: 1, reliabilityB: 1 });
    assert.equal(r.ceiling, 1);
    assert.equal(r.disattenuated, 0.37);
    assert.equal(r.exceedsCeiling, false);
    assert.equal(r.interval, undefined);
  });

  test('ceiling sqrt(relA relB) and observed / ceiling; beyond the ceiling is said, not clamped', () => {
    const r = agreementCeiling({ observed: 0.2, reliabilityA: 0.25, reliabilityB: 0.64 });
    assert.ok(Math.abs(r.ceiling - 0.4) < 1e-15);
    assert.ok(Math.abs(r.disattenuated - 0.5) < 1e-15);
    assert.equal(r.exceedsCeiling, false);
    const beyond = agreementCeiling({ observed: -0.5, reliabilityA: 0.25, reliabilityB: 0.64 });
    assert.ok(Math.abs(beyond.disattenuated + 1.25) < 1e-15, `${beyond.disattenuated}`);
    assert.equal(beyond.exceedsCeiling, true);
  });

  test('simulated rankings: the disattenuated correlation recovers the true one that the observed one hides', () => {
    // Framework A: single-seed r 1/3, 3 seeds -> reliability 0.6; B: r 0.2, 3 seeds -> 0.43.
    // The true scores correlate 0.6, so the K-seed means correlate about 0.6 sqrt(0.6 * 0.43) = 0.30.
    const rng = createRng(23);
    const n = 6000;
    const rho = 0.6;
    const z = Float64Array.from({ length: n }, () => rng.normal());
    const truthA = z;
    const truthB = Float64Array.from(z, (v) => rho * v + Math.sqrt(1 - rho * rho) * rng.normal());
    const a = seedsOf(truthA, 3, Math.SQRT2, rng);
    const b = seedsOf(truthB, 3, 2, rng);
    const relA = scoreReliability(a, { bootstrap: 200, seed: 1 });
    const relB = scoreReliability(b, { bootstrap: 200, seed: 2 });
    const observed = pearson(meanOf(a), meanOf(b));
    assert.ok(observed < 0.4, `the observed agreement ${observed} is far below the true ${rho}`);
    const r = agreementCeiling({
      observed,
      reliabilityA: relA.reliability,
      reliabilityB: relB.reliability,
      intervals: { observed: [observed - 0.03, observed + 0.03], reliabilityA: relA.interval!, reliabilityB: relB.interval! },
    });
    assert.ok(Math.abs(r.disattenuated - rho) < 0.05, `disattenuated ${r.disattenuated}, true ${rho}`);
    assert.ok(Math.abs(r.ceiling - Math.sqrt(0.6 * (0.6 / 1.4))) < 0.03, `ceiling ${r.ceiling}`);
    assert.ok(r.interval![0] < rho && rho < r.interval![1], `interval ${r.interval} covers ${rho}`);
    assert.ok(r.interval![0] <= r.disattenuated && r.disattenuated <= r.interval![1]);
    assert.ok(r.ceilingInterval![0] < r.ceiling && r.ceiling < r.ceilingInterval![1]);
  });

  test('a ranking against its own replication agrees as far as the noise allows (about 1)', () => {
    const rng = createRng(5);
    const truth = Float64Array.from({ length: 5000 }, () => rng.normal());
    const first = seedsOf(truth, 3, 2, rng);
    const again = seedsOf(truth, 3, 2, rng);
    const r = agreementCeiling({
      observed: pearson(meanOf(first), meanOf(again)),
      reliabilityA: scoreReliability(first, { bootstrap: 0 }).reliability,
      reliabilityB: scoreReliability(again, { bootstrap: 0 }).reliability,
    });
    assert.ok(r.observed < 0.5, `observed ${r.observed}`);
    assert.ok(Math.abs(r.disattenuated - 1) < 0.06, `disattenuated ${r.disattenuated}`);
  });

  test('interval: the extremes over the box of input intervals, infinite where a reliability may be 0', () => {
    const r = agreementCeiling({ observed: 0.2, reliabilityA: 0.5, reliabilityB: 0.36, intervals: { observed: [0.1, 0.3], reliabilityA: [0.25, 1], reliabilityB: [0.16, 0.64] } });
    assert.ok(Math.abs(r.interval![0] - 0.1 / 0.8) < 1e-12 && Math.abs(r.interval![1] - 0.3 / 0.2) < 1e-12, `${r.interval}`);
    assert.ok(Math.abs(r.ceilingInterval![0] - 0.2) < 1e-12 && Math.abs(r.ceilingInterval![1] - 0.8) < 1e-12, `${r.ceilingInterval}`);
    const straddling = agreementCeiling({ observed: 0.05, reliabilityA: 0.3, reliabilityB: 0.3, intervals: { observed: [-0.2, 0.1], reliabilityA: [-0.1, 0.5], reliabilityB: [0.04, 0.5] } });
    assert.deepEqual(straddling.interval, [-Infinity, Infinity]);
    assert.deepEqual(straddling.ceilingInterval, [0, 0.5]);
  });

  test('refuses reliabilities outside (0, 1] and non-finite values, naming the field', () => {
    const bad = (input: Parameters<typeof agreementCeiling>[0], pattern: RegExp) =>
      assert.throws(() => agreementCeiling(input), (e: unknown) => e instanceof InputError && pattern.test(e.message) && /expected/.test(e.message));
    bad({ observed: 0.2, reliabilityA: 0, reliabilityB: 0.5 }, /agreementCeiling: reliabilityA.*\(0, 1\].*found 0/);
    bad({ observed: 0.2, reliabilityA: 0.5, reliabilityB: 1.2 }, /reliabilityB.*found 1.2/);
    bad({ observed: 0.2, reliabilityA: 0.5, reliabilityB: Number.NaN }, /reliabilityB.*found NaN/);
    bad({ observed: Infinity, reliabilityA: 0.5, reliabilityB: 0.5 }, /observed.*found Infinity/);
    bad({ observed: 1.5, reliabilityA: 0.5, reliabilityB: 0.5 }, /observed.*\[-1, 1\]/);
    bad({ observed: 0.2, reliabilityA: 0.5, reliabilityB: 0.5, intervals: { observed: [0.3, 0.1], reliabilityA: [0.4, 0.6], reliabilityB: [0.4, 0.6] } }, /intervals.observed.*low <= high/);
  });
});
