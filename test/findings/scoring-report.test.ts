import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { coresetSettings } from '../../src/findings/coreset/settings';
import type { CoresetStudy } from '../../src/findings/coreset/study';
import { scoringContrast } from '../../src/findings/scoring-contrast';
import { projectionLine, reliabilityLines, scoringReliabilityTable } from '../../src/findings/scoring-report';
import { createRng } from '../../src/util/rng';

/**
 * An all-point score table of `n` points in 4 classes whose seeds share a true score with
 * correlation `r` between two seeds (true variance r, noise 1 - r), `seeds` seeds.
 */
function scoreTable(r: number, seeds: number, seed: number, n = 400) {
  const rng = createRng(seed);
  const gauss = () => rng.normal();
  const truth = Array.from({ length: n }, () => Math.sqrt(r) * gauss());
  const columns: Record<string, number[]> = { id: truth.map((_, i) => i), label: truth.map((_, i) => i % 4) };
  for (let s = 0; s < seeds; s++) columns[`raw_seed${s}`] = truth.map((t) => t + Math.sqrt(1 - r) * gauss());
  columns.score_raw = truth.map((_, i) => Array.from({ length: seeds }, (_, s) => columns[`raw_seed${s}`][i]).reduce((a, b) => a + b, 0) / seeds);
  return aq.table(columns);
}

function study(scorings: ReturnType<typeof scoreTable>[], extra: Partial<CoresetStudy> = {}): CoresetStudy {
  return {
    settings: coresetSettings('quick'),
    scores: scorings[0],
    scorings,
    table: aq.table({ condition: [], kept: [], size: [], seed: [] }),
    tasks: ['probe'],
    lines: { scores: '', retrainings: '' },
    ...extra,
  };
}

describe('the reliability of a subset study\'s rankings', () => {
  test('per scoring the Spearman-Brown reliability of its seeds\' mean recovers a known one', () => {
    // r = 0.5 between two seeds, 3 seeds: reliability 3 * 0.5 / (1 + 2 * 0.5) = 0.75.
    const s = study([scoreTable(0.5, 3, 1), scoreTable(0.5, 3, 2)]);
    const table = scoringReliabilityTable(s);
    assert.deepEqual(table.array('scoring'), [0, 1]);
    for (const value of Array.from(table.array('reliability') as ArrayLike<number>)) assert.ok(Math.abs(value - 0.75) < 0.06, String(value));
    for (const value of Array.from(table.array('between_seeds') as ArrayLike<number>)) assert.ok(Math.abs(value - 0.5) < 0.08, String(value));
    for (const value of Array.from(table.array('seeds_for_0_8') as ArrayLike<number>)) assert.ok(value >= 3 && value <= 6, `seeds for 0.8 near 4 (r 0.5): ${value}`);
    const { lines, caveat } = reliabilityLines(s);
    assert.match(lines[0], /^Reliability of each scoring's ranking of the pool \(mean of 3 seeds, Spearman-Brown, 95% bootstrap interval\): scoring 0 0\.7\d \[0\.\d\d, 0\.\d\d\], scoring 1 0\.7\d/);
    assert.match(lines[0], /seeds per scoring would reach a reliability of 0\.8\.$/);
    assert.equal(caveat, undefined, 'reliable rankings carry no caveat');
  });

  test('rankings of noise get the caveat; one seed per scoring is said plainly', () => {
    const { caveat } = reliabilityLines(study([scoreTable(0.02, 3, 3), scoreTable(0.02, 3, 4)]));
    assert.match(caveat ?? '', /^the rankings are mostly the noise of the training runs \(median reliability 0\.\d\d < 0\.5\)/);
    const one = study([scoreTable(0.5, 1, 5)]);
    assert.equal(scoringReliabilityTable(one).numRows(), 0);
    assert.deepEqual(reliabilityLines(one), { lines: ['Reliability of the rankings: not measured (one training seed per scoring).'] });
  });
});

describe('what a subset study tested across scorings would take', () => {
  /** Per scoring and seed one memorized and one random run, memorized = random + offset of the scoring. */
  const runs = (offsets: readonly number[]) =>
    aq.from(offsets.flatMap((offset, scoring) => [0, 1].flatMap((seed) => [
      { condition: 'memorized', kept: 0.5, size: 50, seed, scoring, probe: 0.8 + offset + 0.001 * seed },
      { condition: 'random', kept: 0.5, size: 50, seed, scoring, probe: 0.8 },
    ])));

  test('a difference for the claim: the scorings for p < 0.01 and their cost at the study\'s own training time', () => {
    const contrast = scoringContrast(runs([0.01, 0.002, 0.006]), 'probe', { higher: 'memorized', lower: 'random' });
    const line = projectionLine(study([scoreTable(0.5, 3, 1)], { trainingsPerScoring: 20, secondsPerEncoder: 30 }), contrast);
    assert.match(line, new RegExp(`^What it would take \\(probe, memorized - random\\): about ${contrast.scoringsNeeded} scorings for two-sided p < 0\\.01 with power 0\\.8 if the measured difference were the truth, ${contrast.scoringsNeeded * 20} trainings, .+ on one worker, .+ on 8 queue workers\\.$`));
  });

  test('a difference against the claim is not projected; no spread, no projection', () => {
    const against = scoringContrast(runs([-0.01, 0.002, -0.006]), 'probe', { higher: 'memorized', lower: 'random' });
    const line = projectionLine(study([scoreTable(0.5, 3, 1)], { trainingsPerScoring: 20, secondsPerEncoder: 30 }), against);
    assert.match(line, /the measured difference is against the claim \(-0\.42 points\), so more scorings of this design would not confirm it; one more scoring \(its references and retrainings\) costs 20 trainings, .+ on one worker/);
    const flat = scoringContrast(runs([0.01, 0.01]), 'probe', { higher: 'memorized', lower: 'random' });
    assert.match(projectionLine(study([scoreTable(0.5, 3, 1)]), { ...flat, sd: 0, scoringsNeeded: Number.NaN }), /not projectable/);
  });
});
