import type { ColumnTable } from 'arquero';
import type { RankTrend } from '../../measure/level-summary';
import type { Verdict, VerdictPart } from '../finding';
import { contrastWords, levelContrast, type LevelContrast } from '../level-power';
import { costInWords } from '../training-cost';
import { levelTrends, trendWords, type LevelTrends, type LevelTrendsOptions } from '../level-study';
import type { PrivacyStudy } from './study';
import { privacyLevelSummary } from './summary';

/** Whether a quantity falls as epsilon falls: Spearman's rho between epsilon and the per-seed values, one-sided permutation p-value. */
export type FallsWithEpsilon = RankTrend;

/** Whether memorization and accuracy of one framework's study table fall with epsilon (`privacyTrends`). */
export type PrivacyTrends = LevelTrends;

/**
 * The finding's test on one framework's study table (`study.levels[framework]`): does
 * memorization (`gap_raw`, the gap in the definition's units, comparable across models;
 * or `column`) fall as epsilon falls, and does accuracy? Each is Spearman's rho between
 * the level's epsilon (Infinity highest) and the per-seed values, with a one-sided
 * permutation p-value (999 permutations, seeded); it holds when both fall at `alpha`.
 */
export function privacyTrends(levels: ColumnTable, options: LevelTrendsOptions = {}): PrivacyTrends {
  return levelTrends(levels, 'epsilon', (e) => (e === Infinity ? Number.MAX_VALUE : e), options);
}

const falls = (f: FallsWithEpsilon) => trendWords(f, 'epsilon falls');

/** A contrast of no DP against the strongest DP in words; a difference against the claim (not positive) is said to be so, not projected. */
function claimContrastWords(c: LevelContrast, format: (value: number) => string): string {
  if (c.mean <= 0) return `against the claim (difference ${format(c.mean)} +- ${format(c.sd)} over ${c.seeds} seeds): no number of seeds would show it`;
  return contrastWords(c, format);
}

/**
 * One framework's power line: the seeds per level a paired test of no DP against the
 * strongest level needs for memorization (`gap_raw`) and for accuracy (p < 0.01, power
 * 0.8, the measured per-seed differences taken as the truth; `levelContrast`), and what a
 * run of every level at that many seeds would cost.
 */
export function privacyPowerLine(name: string, levels: ColumnTable, epsilons: readonly number[], secondsPerEncoder = Number.NaN): string | undefined {
  const strongest = Math.min(...epsilons);
  if (!epsilons.includes(Infinity) || strongest === Infinity) return undefined;
  const memorization = levelContrast(levels, 'epsilon', 'gap_raw', Infinity, strongest);
  const accuracy = levelContrast(levels, 'epsilon', 'accuracy', Infinity, strongest);
  const projected = [memorization, accuracy].filter((c) => c.mean > 0 && !Number.isNaN(c.seedsNeeded)).map((c) => c.seedsNeeded);
  const needed = projected.length === 0 ? Number.NaN : Math.max(...projected);
  const cost = Number.isNaN(needed) ? 'nothing to project' : `a powered run of its ${epsilons.length} levels: ${costInWords(Number.isFinite(needed) ? 2 * needed * epsilons.length : needed, secondsPerEncoder)}`;
  return `${name}, what it would take (no DP against epsilon ${strongest}, seeds paired, p < 0.01 with power 0.8): memorization ${claimContrastWords(memorization, (x) => x.toExponential(1))}; accuracy ${claimContrastWords(accuracy, (x) => x.toFixed(4))}; ${cost}`;
}

/**
 * Whether DP lowers memorization and accuracy together, per framework (`privacyTrends`):
 * one part per framework; the claim holds when it holds for every framework. `lines`:
 * per framework its per-level means and how many seeds memorize without DP, then each
 * framework's trends, supervised training's label memorization trend, and the sentence.
 */
export function privacyVerdict(study: PrivacyStudy): Verdict {
  const lines: string[] = [];
  const frameworks = Object.keys(study.levels);
  for (const name of frameworks) {
    const s = privacyLevelSummary(study.levels[name]).objects() as Array<Record<string, number>>;
    const line = s.map((r) => `eps ${r.epsilon}: gap ${r.gap_range.toFixed(3)} +- ${r.gap_range_sd.toFixed(3)} (raw ${r.gap_raw.toExponential(2)}), accuracy ${r.accuracy.toFixed(3)} +- ${r.accuracy_sd.toFixed(3)}${r.label_gap === undefined ? '' : `, label memorization gap ${r.label_gap.toFixed(3)}`}`).join('; ');
    lines.push(`${name}: ${line}`);
    const inf = (study.levels[name].objects() as Array<Record<string, number>>).filter((r) => r.epsilon === Infinity);
    const plain = s.find((r) => r.epsilon === Infinity);
    if (plain !== undefined) {
      const memorizes = inf.filter((r) => r.p_value < 0.05).length;
      lines.push(`  without DP, S_C > S_S at p < 0.05 for ${memorizes} of ${inf.length} seeds (gap raw ${plain.gap_raw.toExponential(2)})`);
    }
  }
  const parts: VerdictPart[] = frameworks.map((name) => {
    const v = privacyTrends(study.levels[name]);
    const sentence = `${name}: memorization (the raw SSLMem gap S_C - S_S) ${falls(v.memorization)}; accuracy ${falls(v.accuracy)}: the claim ${v.holds ? 'holds' : 'is not confirmed'} for ${name} at this scale.`;
    return { name, holds: v.holds, sentence };
  });
  for (const p of parts) lines.push(p.sentence);
  const supervised = study.levels.supervised;
  if (supervised !== undefined) lines.push(`supervised, label memorization (gap of p_f - p_g): ${falls(privacyTrends(supervised, { column: 'label_gap' }).memorization)}.`);
  for (const name of frameworks) {
    const line = privacyPowerLine(name, study.levels[name], study.settings.epsilons, study.secondsPerEncoder);
    if (line !== undefined) lines.push(line);
  }
  const holding = parts.filter((p) => p.holds).map((p) => p.name);
  const sentence =
    holding.length === parts.length
      ? 'The claim holds at this scale for every framework.'
      : holding.length > 0
        ? `The claim holds at this scale for ${holding.join(', ')} and is not confirmed for ${parts.filter((p) => !p.holds).map((p) => p.name).join(', ')}.`
        : 'The claim is not confirmed at this scale for any framework.';
  lines.push(sentence);
  return { holds: parts.length > 0 && holding.length === parts.length, parts, sentence, lines };
}
