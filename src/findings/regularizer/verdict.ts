import type { ColumnTable } from 'arquero';
import type { RankTrend } from '../../measure/level-summary';
import type { Verdict } from '../finding';
import { contrastWords, levelContrast } from '../level-power';
import { levelTrends, trendWords, type LevelTrends, type LevelTrendsOptions } from '../level-study';
import { costInWords } from '../training-cost';
import { gapBasisLine } from '../gap-basis';
import type { RegularizerStudy } from './study';
import { regularizerLevelSummary } from './summary';

/** Whether a quantity falls as the weight grows: Spearman's rho between -weight and the per-seed values, one-sided permutation p. */
export type FallsWithWeight = RankTrend;

/** Whether memorization and accuracy fall as the weight grows (`regularizerTrends`). */
export type RegularizerTrends = LevelTrends;

/**
 * The finding's test on a study table: do memorization (`gap_raw`, or `column`) and
 * accuracy both fall as the weight grows (Spearman's rho of -weight against the per-seed
 * values, one-sided permutation p-value, 999 permutations, seeded)? Holds when both fall
 * at `alpha`.
 */
export function regularizerTrends(levels: ColumnTable, options: LevelTrendsOptions = {}): RegularizerTrends {
  // The memorization test draws from the fork named after its column.
  return levelTrends(levels, 'weight', (w) => -w, { ...options, memorizationStream: options.column ?? 'gap_raw' });
}

const falls = (f: FallsWithWeight) => trendWords(f, 'the weight grows');

/**
 * The power lines: for memorization and accuracy, the seeds per weight a paired test of no
 * regulariser against the strongest weight needs (p < 0.01, power 0.8, the measured per-seed
 * differences taken as the truth; `levelContrast`), and what training that many would cost.
 */
function powerLines(study: RegularizerStudy): string[] {
  const weights = study.settings.weights;
  const [from, to] = [Math.min(...weights), Math.max(...weights)];
  if (from === to) return [];
  const memorization = levelContrast(study.levels, 'weight', 'gap_raw', from, to);
  const accuracy = levelContrast(study.levels, 'weight', 'accuracy', from, to);
  const needed = Math.max(memorization.seedsNeeded, accuracy.seedsNeeded);
  const jobs = Number.isFinite(needed) ? 2 * needed * weights.length : needed;
  return [
    `what it would take (weight ${from} against ${to}, seeds paired, p < 0.01 with power 0.8): memorization ${contrastWords(memorization, (x) => x.toExponential(1))}; accuracy ${contrastWords(accuracy, (x) => x.toFixed(4))}`,
    Number.isNaN(needed) ? 'the cost of a powered run: not projectable' : `a powered run of every weight: ${costInWords(jobs, study.secondsPerEncoder)}`,
  ];
}

/**
 * Whether regularising alignment lowers memorization and accuracy together: two parts
 * (memorization falls, accuracy falls with the weight; `regularizerTrends`). `lines`: one
 * per weight with its means, the seeds a paired test of no regulariser against the
 * strongest would need for memorization and accuracy with the cost of that run, what the
 * test rests on (`gapBasisLine`), then the sentence.
 */
export function regularizerVerdict(study: RegularizerStudy): Verdict {
  const v = regularizerTrends(study.levels);
  const lines = (regularizerLevelSummary(study.levels).objects() as Array<Record<string, number>>).map(
    (r) => `weight ${r.weight}: alignment loss of f on S_C ${r.align_f_S_C.toFixed(3)}, S_C SSLMem ${r.S_C_raw.toExponential(2)}, gap ${r.gap_raw.toExponential(2)} +- ${r.gap_raw_sd.toExponential(1)} (range ${r.gap_range.toFixed(3)}), accuracy ${r.accuracy.toFixed(4)} +- ${r.accuracy_sd.toFixed(4)}`,
  );
  lines.push(...powerLines(study));
  lines.push(gapBasisLine(study.settings.config, "each weight's per-seed gap S_C - S_S", 'the power line'));
  const sentence = `Memorization (raw SSLMem gap S_C - S_S) ${falls(v.memorization)}; accuracy ${falls(v.accuracy)}: the claim ${v.holds ? 'holds' : 'is not confirmed'} at this scale.`;
  lines.push(sentence);
  return {
    holds: v.holds,
    parts: [
      { name: 'memorization', holds: v.memorization.falls, sentence: `Memorization (raw SSLMem gap S_C - S_S) ${falls(v.memorization)}.` },
      { name: 'accuracy', holds: v.accuracy.falls, sentence: `Accuracy ${falls(v.accuracy)}.` },
    ],
    sentence,
    lines,
  };
}
