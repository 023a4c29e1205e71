import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { correlationSeedsFor, pairedSeedsFor, pairedTestPower, runCost, sizeFactorFor } from '../../src/stats/projection';
import { pearson } from '../../src/stats/rank-correlation';
import { scoreReliability, spearmanBrown } from '../../src/stats/score-reliability';
import { normalQuantile, studentTQuantile } from '../../src/stats/distribution-quantiles';
import { studentTTwoSided } from '../../src/stats/student-t';
import { oneSampleTTest } from '../../src/stats/t-test';
import { InputError } from '../../src/util/errors';
import { createRng, type Rng } from '../../src/util/rng';

const refuses = (f: () => unknown, pattern: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message) && /expected .* found /.test(e.message));

/** Share of `sims` paired experiments of n seeds (differences mean d, sd 1) whose t-test over seeds gives p < alpha. */
function simulatedPower(n: number, d: number, alpha: number, sims: number, rng: Rng): number {
  let hits = 0;
  for (let s = 0; s < sims; s++) {
    const differences = Float64Array.from({ length: n }, () => d + rng.normal());
    if (oneSampleTTest(differences).pValue < alpha) hits++;
  }
  return hits / sims;
}

describe('pairedSeedsFor', () => {
  test('textbook cases: d = 0.5 needs 34 pairs and d = 1 needs 10 (alpha 0.05, power 0.8), at power 0.8078 and 0.8031', () => {
    assert.equal(pairedSeedsFor({ meanDifference: 0.5, sdDifference: 1, alpha: 0.05 }), 34);
    assert.equal(pairedSeedsFor({ meanDifference: -2, sdDifference: 2, alpha: 0.05 }), 10);
    assert.ok(Math.abs(pairedTestPower({ meanDifference: 0.5, sdDifference: 1, seeds: 34, alpha: 0.05 }) - 0.8077775) < 1e-5);
    assert.ok(Math.abs(pairedTestPower({ meanDifference: 1, sdDifference: 1, seeds: 10, alpha: 0.05 }) - 0.8030969) < 1e-5);
    assert.ok(pairedTestPower({ meanDifference: 0.5, sdDifference: 1, seeds: 33, alpha: 0.05 }) < 0.8);
  });

  test('Monte Carlo with the repository t-test: the returned n reaches the power, one seed fewer does not', () => {
    const rng = createRng(31);
    for (const d of [1.5, 0.8]) {
      const n = pairedSeedsFor({ meanDifference: d, sdDifference: 1 });
      const atN = simulatedPower(n, d, 0.01, 4000, rng);
      const below = simulatedPower(n - 1, d, 0.01, 4000, rng);
      const predicted = pairedTestPower({ meanDifference: d, sdDifference: 1, seeds: n });
      // 4000 draws: standard error about 0.0065.
      assert.ok(Math.abs(atN - predicted) < 0.02, `d ${d}, n ${n}: simulated ${atN}, predicted ${predicted}`);
      assert.ok(atN > 0.78, `d ${d}, n ${n}: simulated power ${atN}`);
      assert.ok(below < 0.8 && below < atN, `d ${d}, n - 1 = ${n - 1}: simulated power ${below}, at n ${atN}`);
    }
  });

  test('at few seeds it uses the noncentral t, not the normal shift (which promises 0.81 at 5 seeds where the test has 0.76)', () => {
    const d = 2.5;
    const n = pairedSeedsFor({ meanDifference: d, sdDifference: 1 });
    assert.equal(n, 6);
    const shift = (k: number) => Math.sqrt(k) * d >= studentTQuantile(0.995, k - 1) + studentTQuantile(0.8, k - 1);
    assert.ok(shift(5), 'the shortcut would have said 5');
    const simulated = simulatedPower(5, d, 0.01, 4000, createRng(4));
    assert.ok(simulated < 0.78, `5 seeds: simulated power ${simulated}`);
  });

  test('no effect or too small an effect: Infinity', () => {
    assert.equal(pairedSeedsFor({ meanDifference: 0, sdDifference: 1 }), Infinity);
    assert.equal(pairedSeedsFor({ meanDifference: 0.01, sdDifference: 1 }), Infinity);
    assert.equal(pairedSeedsFor({ meanDifference: 0.5, sdDifference: 1, maxSeeds: 20 }), Infinity);
    assert.equal(pairedSeedsFor({ meanDifference: 0.5, sdDifference: 1, maxSeeds: 100 }), pairedSeedsFor({ meanDifference: 0.5, sdDifference: 1, alpha: undefined }));
  });

  test('refuses what it cannot plan with, naming the field', () => {
    refuses(() => pairedSeedsFor({ meanDifference: 1, sdDifference: 0 }), /pairedSeedsFor: sdDifference/);
    refuses(() => pairedSeedsFor({ meanDifference: Number.NaN, sdDifference: 1 }), /pairedSeedsFor: meanDifference.*found NaN/);
    refuses(() => pairedSeedsFor({ meanDifference: 1, sdDifference: 1, alpha: 0 }), /pairedSeedsFor: alpha/);
    refuses(() => pairedSeedsFor({ meanDifference: 1, sdDifference: 1, power: 1 }), /pairedSeedsFor: power/);
    refuses(() => pairedSeedsFor({ meanDifference: 1, sdDifference: 1, maxSeeds: 1 }), /pairedSeedsFor: maxSeeds/);
    refuses(() => pairedTestPower({ meanDifference: 1, sdDifference: 1, seeds: 1 }), /pairedTestPower: seeds/);
  });
});

/**
 * A fixed per-point quantity q and scores whose true part correlates `rho` with q; each seed
 * adds noise of sd `noise` (single-seed reliability 1 / (1 + noise^2)).
 */
function scores(points: number, seeds: number, rho: number, noise: number, rng: Rng) {
  const q = Float64Array.from({ length: points }, () => rng.normal());
  const truth = Float64Array.from(q, (v) => rho * v + Math.sqrt(1 - rho * rho) * rng.normal());
  const perSeed = Array.from({ length: seeds }, () => Float64Array.from(truth, (t) => t + noise * rng.normal()));
  const mean = Float64Array.from(truth, (_, i) => perSeed.reduce((s, c) => s + c[i], 0) / seeds);
  return { q, perSeed, mean };
}

describe('correlationSeedsFor', () => {
  // rho 0.4, single-seed reliability 0.2: the 3-seed mean (reliability 0.6 / 1.4) correlates
  // 0.4 sqrt(0.43) = 0.262 with q; over 100 points p < 0.01 with power 0.8 needs r = 0.334.
  const rel3 = spearmanBrown(0.2, 3);
  const observed = 0.4 * Math.sqrt(rel3);

  test('known case: Spearman-Brown from the implied single-seed correlation, Fisher z for the power', () => {
    const r = correlationSeedsFor({ observed, points: 100, reliability: rel3, seeds: 3 });
    assert.ok(Math.abs(r.singleSeed - 0.2) < 1e-12);
    assert.ok(Math.abs(r.ceiling - 0.4) < 1e-12);
    assert.ok(Math.abs(r.required - Math.tanh((2.5758293 + 0.8416212) / Math.sqrt(97))) < 1e-6);
    assert.equal(r.seeds, 10);
    assert.ok(Math.abs(r.projected - 0.4 * Math.sqrt(spearmanBrown(0.2, 10))) < 1e-12);
    assert.ok(0.4 * Math.sqrt(spearmanBrown(0.2, 9)) < r.required && r.required <= r.projected, 'nine seeds fall short');
    assert.equal(r.exceedsOne, false);
    const negative = correlationSeedsFor({ observed: -observed, points: 100, reliability: rel3, seeds: 3 });
    assert.equal(negative.seeds, 10);
    assert.ok(negative.projected < 0 && negative.required < 0);
  });

  test('Monte Carlo: at the returned seeds the correlation is as projected and the exact test has the power; at 3 seeds it has not', () => {
    const rng = createRng(17);
    const powerAt = (seeds: number) => {
      let hits = 0;
      let sum = 0;
      const sims = 800;
      for (let s = 0; s < sims; s++) {
        const { q, mean } = scores(100, seeds, 0.4, 2, rng);
        const r = pearson(mean, q);
        sum += r;
        if (studentTTwoSided(r * Math.sqrt(98 / (1 - r * r)), 98) < 0.01) hits++;
      }
      return { power: hits / sims, mean: sum / sims };
    };
    const plan = correlationSeedsFor({ observed, points: 100, reliability: rel3, seeds: 3 });
    const at = powerAt(plan.seeds);
    assert.ok(Math.abs(at.mean - plan.projected) < 0.01, `mean correlation ${at.mean}, projected ${plan.projected}`);
    assert.ok(Math.abs(at.power - 0.8) < 0.05, `simulated power ${at.power} at ${plan.seeds} seeds`);
    const now = powerAt(3);
    assert.ok(now.power < 0.65, `simulated power ${now.power} at 3 seeds`);
  });

  test('from a measured pilot (scoreReliability of 3 seeds), the plan comes out near the true one', () => {
    const { q, perSeed, mean } = scores(4000, 3, 0.4, 2, createRng(2));
    const measured = scoreReliability(perSeed, { bootstrap: 0 });
    const r = correlationSeedsFor({ observed: pearson(mean, q), points: 100, reliability: measured.reliability, seeds: 3 });
    assert.ok(r.seeds >= 7 && r.seeds <= 14, `seeds ${r.seeds}, 10 with the true values`);
    assert.ok(Math.abs(r.ceiling - 0.4) < 0.05, `ceiling ${r.ceiling}`);
  });

  test('Infinity when even perfect reliability does not suffice (then projected is the ceiling), or beyond maxSeeds', () => {
    const r = correlationSeedsFor({ observed, points: 60, reliability: rel3, seeds: 3 });
    assert.equal(r.seeds, Infinity);
    assert.equal(r.projected, r.ceiling);
    assert.equal(correlationSeedsFor({ observed: 0, points: 1000, reliability: 0.5, seeds: 3 }).seeds, Infinity);
    assert.equal(correlationSeedsFor({ observed, points: 100, reliability: rel3, seeds: 3, maxSeeds: 9 }).seeds, Infinity);
  });

  test('fewer seeds than measured when the correlation is already strong; perfect reliability needs one seed', () => {
    assert.ok(correlationSeedsFor({ observed: 0.5, points: 500, reliability: 0.6, seeds: 10 }).seeds < 10);
    assert.equal(correlationSeedsFor({ observed: 0.5, points: 100, reliability: 1, seeds: 3 }).seeds, 1);
  });

  test('a correlation above what the reliability allows is flagged', () => {
    const r = correlationSeedsFor({ observed: 0.5, points: 100, reliability: 0.2, seeds: 3 });
    assert.equal(r.exceedsOne, true);
    assert.ok(r.ceiling > 1);
  });

  test('refuses what it cannot plan with, naming the field', () => {
    const ok = { observed: 0.3, points: 100, reliability: 0.5, seeds: 3 };
    refuses(() => correlationSeedsFor({ ...ok, reliability: 0 }), /correlationSeedsFor: reliability.*\(0, 1\]/);
    refuses(() => correlationSeedsFor({ ...ok, reliability: 1.1 }), /correlationSeedsFor: reliability/);
    refuses(() => correlationSeedsFor({ ...ok, points: 3 }), /correlationSeedsFor: points/);
    refuses(() => correlationSeedsFor({ ...ok, seeds: 2.5 }), /correlationSeedsFor: seeds/);
    refuses(() => correlationSeedsFor({ ...ok, observed: -1.2 }), /correlationSeedsFor: observed/);
    refuses(() => correlationSeedsFor({ ...ok, observed: Infinity }), /correlationSeedsFor: observed.*found Infinity/);
  });
});

describe('runCost', () => {
  test('jobs run in ceil(jobs / workers) waves', () => {
    assert.deepEqual(runCost({ jobs: 10, secondsPerJob: 60, workers: 4 }), { jobs: 10, workers: 4, waves: 3, seconds: 180 });
    assert.deepEqual(runCost({ jobs: 8, secondsPerJob: 60, workers: 4 }), { jobs: 8, workers: 4, waves: 2, seconds: 120 });
    assert.equal(runCost({ jobs: 7, secondsPerJob: 1.5 }).seconds, 10.5);
    assert.equal(runCost({ jobs: 0, secondsPerJob: 60, workers: 3 }).seconds, 0);
    assert.equal(runCost({ jobs: Infinity, secondsPerJob: 60, workers: 3 }).seconds, Infinity);
  });

  test('refuses what it cannot count, naming the field', () => {
    refuses(() => runCost({ jobs: 2.5, secondsPerJob: 1 }), /runCost: jobs/);
    refuses(() => runCost({ jobs: 3, secondsPerJob: -1 }), /runCost: secondsPerJob/);
    refuses(() => runCost({ jobs: 3, secondsPerJob: 1, workers: 0 }), /runCost: workers/);
  });
});

describe('sizeFactorFor', () => {
  test('1 where the statistic already gives the power, (needed / t)^2 elsewhere, Infinity for no effect', () => {
    const needed = normalQuantile(0.99) + normalQuantile(0.8);
    assert.ok(Math.abs(sizeFactorFor(needed, 0.01) - 1) < 1e-12);
    assert.ok(Math.abs(sizeFactorFor(needed / 2, 0.01) - 4) < 1e-12);
    assert.ok(Math.abs(sizeFactorFor(2 * needed, 0.01) - 0.25) < 1e-12);
    // a higher power asks for larger samples
    assert.ok(sizeFactorFor(2, 0.01, 0.9) > sizeFactorFor(2, 0.01, 0.8));
    assert.equal(sizeFactorFor(0, 0.01), Infinity);
    assert.equal(sizeFactorFor(-1.5, 0.01), Infinity);
    assert.equal(sizeFactorFor(Number.NaN, 0.01), Infinity);
  });
});
