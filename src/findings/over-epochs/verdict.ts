import { gapBasisLine } from '../gap-basis';
import type { Verdict } from '../finding';
import { contrastWords, levelContrast } from '../level-power';
import { flatteningTest, type FlatteningResult } from './flattening-test';
import type { OverEpochsStudy } from './study';

/** The two lines of one flattening test: the changes measured, then what they mean. */
function reportLines(r: FlatteningResult): string[] {
  return [
    `${r.score}, epochs ${r.from} -> ${r.to}: SSL loss ${(100 * r.lossChange.mean).toFixed(2)}% (std ${(100 * r.lossChange.std).toFixed(2)}%), probe accuracy ${(100 * r.accuracyChange.mean).toFixed(2)} points (std ${(100 * r.accuracyChange.std).toFixed(2)}); gap ${r.gapFrom.toFixed(4)} -> ${r.gapTo.toFixed(4)}, growth t = ${r.growthT.toFixed(2)}, p = ${r.growthP.toExponential(2)}`,
    `  loss and accuracy ${r.flattened ? 'flattened' : 'did not flatten'} (thresholds ${100 * r.thresholds.relativeLoss}% and ${100 * r.thresholds.accuracy} points); the gap ${r.grew ? 'grew significantly' : 'did not grow significantly'} (alpha ${r.thresholds.alpha})`,
  ];
}

/**
 * The growth seen seed by seed (each seed's own f and g, ratio scale): in how many seeds the
 * gap grew, and the seeds a paired test over seeds would need to show the mean growth at
 * p < 0.01 with power 0.8 (`levelContrast`): the per-point test above treats the points as the
 * units and one training run's noise as none, this one has the runs as the units.
 */
function seedLine(study: OverEpochsStudy, r: FlatteningResult): string {
  const growth = levelContrast(study.perSeed, 'epoch', 'gap_ratio', r.to, r.from);
  const rows = study.perSeed.objects() as Array<{ epoch: number; seed: number; gap_ratio: number }>;
  const gap = (epoch: number, seed: number) => rows.find((x) => x.epoch === epoch && x.seed === seed)?.gap_ratio ?? Number.NaN;
  const seeds = [...new Set(rows.map((x) => x.seed))];
  const grew = seeds.filter((seed) => gap(r.to, seed) > gap(r.from, seed)).length;
  return `seed by seed (ratio): the gap grew in ${grew} of ${seeds.length} seeds; a paired test of the growth over seeds (p < 0.01, power 0.8): ${contrastWords(growth, (x) => x.toFixed(4))}`;
}

/**
 * Finding 1: over the second half of training, loss and accuracy flattened while the gap
 * (ratio scale) still grew. Lines: the test on the ratio scale, the same on the raw scale,
 * the growth seed by seed with the seeds a test over seeds needs, what the test rests on
 * (`gapBasisLine`), then the conclusion (from
 * the ratio scale).
 */
export function overEpochsVerdict(study: OverEpochsStudy): Verdict {
  const { relativeLoss, accuracy, alpha } = study.settings;
  const ratio = flatteningTest(study, { relativeLoss, accuracy, alpha });
  const raw = flatteningTest(study, { relativeLoss, accuracy, alpha, score: 'score_raw' });
  const reasons = [ratio.flattened ? '' : 'loss or accuracy still changed', ratio.grew ? '' : 'the gap did not grow significantly'].filter((r) => r !== '');
  const sentence = ratio.holds
    ? 'The claim holds at this scale: loss and accuracy have flattened while memorization still grows.'
    : `The claim is not confirmed at this scale: over the second half of training (epochs ${ratio.from} to ${ratio.to}) ${reasons.join(' and ')}.`;
  return {
    holds: ratio.holds,
    parts: [
      {
        name: 'loss and accuracy flattened',
        holds: ratio.flattened,
        sentence: `From epoch ${ratio.from} to ${ratio.to} the SSL loss of f changed by ${(100 * ratio.lossChange.mean).toFixed(2)}% and its probe accuracy by ${(100 * ratio.accuracyChange.mean).toFixed(2)} points (flat: at most ${100 * relativeLoss}% and ${100 * accuracy} points).`,
      },
      {
        name: 'memorization grew',
        holds: ratio.grew,
        sentence: `The gap S_C - S_S (ratio) went from ${ratio.gapFrom.toFixed(4)} to ${ratio.gapTo.toFixed(4)} (growth p = ${ratio.growthP.toExponential(2)}, alpha ${alpha}).`,
      },
    ],
    sentence,
    lines: [...reportLines(ratio), ...reportLines(raw), seedLine(study, ratio), gapBasisLine(study.settings.config, `the gap S_C - S_S (ratio) at epochs ${ratio.from} and ${ratio.to}`, 'the seed line'), sentence],
  };
}
