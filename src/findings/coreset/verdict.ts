import { formatPValueText } from '../../measure/verdict-text';
import type { Verdict } from '../finding';
import { pairedComparison, sameShareAndSeed, type PairedComparison } from '../paired-comparison';
import { subsetSummary } from '../subset-study';
import { asksScoringReport, subsetReportVerdict, type ConditionPair } from '../scoring-report';
import type { CoresetStudy } from './study';

/** Per task, memorized subsets against random ones of the same size and seed (one-sided paired t-test of memorized - random). */
export function coresetComparisons(study: CoresetStudy, alpha = 0.05): PairedComparison[] {
  return study.tasks.map((t) => pairedComparison(study.table, t, (r) => r.condition === 'memorized', (r) => r.condition === 'random', sameShareAndSeed, alpha));
}

/** The coreset's class controls: memorized against a random subset with its class counts, and the most memorized within each class against random. */
export const coresetControls: readonly ConditionPair[] = [
  { higher: 'memorized', lower: 'random-matched' },
  { higher: 'memorized-per-class', lower: 'random' },
];

/**
 * Tests that training on the most memorized subset keeps accuracy better than a random
 * subset of the same size: per task (one part each), the differences memorized - random
 * over every kept share below 100% and seed, one-sided paired t-test. Holds when it holds on
 * the first task. `lines`: each kept share and condition's means, which most-memorized
 * subsets beat the full pool on the first task, then the sentence.
 *
 * With several scorings (`settings.scorings`) the scoring is the unit of the test: per
 * task the memorized - random difference averaged within each scoring, one-sided t-test
 * across scorings (`scoringContrast`); it holds when it holds on the primary (first) task,
 * the other tasks become a line, as does the paired test over seeds, and the reliability of
 * each scoring's ranking and the projection follow. With class controls
 * (`settings.controls`) a line per control and task. With one scoring and no controls the
 * verdict is the one above.
 */
export function coresetVerdict(study: CoresetStudy, alpha = 0.05): Verdict {
  const seeds = coresetSeedVerdict(study, alpha);
  if (!asksScoringReport(study.settings)) return seeds;
  const sizes = [...new Set((study.table.objects() as Array<{ condition: string; size: number }>).filter((r) => r.condition === 'memorized').map((r) => r.size))];
  return subsetReportVerdict(study, seeds, {
    pair: { higher: 'memorized', lower: 'random' },
    controls: coresetControls,
    sizes,
    partName: 'memorized above random across scorings',
    choice: 'memorized subset',
    sentence: (holds, tested, caveat) =>
      `Training on the most memorized points ${holds ? 'keeps' : 'does not keep'} accuracy better than random subsets of the same size, with the scoring as the unit, on the primary task (${tested}): the claim ${holds ? 'holds' : 'is not confirmed'} at this scale${caveat}.`,
  }, alpha);
}

function coresetSeedVerdict(study: CoresetStudy, alpha: number): Verdict {
  const comparisons = coresetComparisons(study, alpha);
  const texts = comparisons.map(
    (c) => `${c.task}: memorized - random ${c.meanDifference >= 0 ? '+' : ''}${(100 * c.meanDifference).toFixed(2)} points on average over ${c.n} pairs (${c.wins} of ${c.n} in favour), ${formatPValueText(c.pValue)}`,
  );
  const holds = comparisons[0]?.holds === true;
  const sentence = `Training on the most memorized points ${holds ? 'keeps' : 'does not keep'} accuracy better than random subsets of the same size (${texts.join('; ')}): the claim ${holds ? 'holds' : 'is not confirmed'} at this scale.`;
  const rows = subsetSummary(study.table, study.tasks).objects() as Array<Record<string, number | string>>;
  const [first] = study.tasks;
  const name: Readonly<Record<string, string>> = { probe: 'MNIST', fashion: 'Fashion-MNIST' };
  const meanText = (row: Record<string, number | string>, task: string) => `${name[task] ?? task} ${(100 * Number(row[`${task}_mean`])).toFixed(2)} +- ${(100 * Number(row[`${task}_std`])).toFixed(2)}`;
  const lines = rows.map((row) => `${(100 * Number(row.kept)).toFixed(0)}% ${row.condition} (${row.size} points): ${study.tasks.map((t) => meanText(row, t)).join(', ')}`);
  const full = rows.find((r) => r.condition === 'full');
  if (first !== undefined && full !== undefined) {
    const better = rows.filter((r) => r.condition === 'memorized' && Number(r[`${first}_mean`]) > Number(full[`${first}_mean`])).map((r) => `${(100 * Number(r.kept)).toFixed(0)}%`);
    const on = name[first] ?? first;
    lines.push(better.length > 0 ? `Most-memorized subsets above the full pool on ${on}: ${better.join(', ')}.` : `No most-memorized subset beats the full pool on ${on}.`);
  }
  return {
    holds,
    parts: comparisons.map((c, i) => ({ name: `${c.task}: memorized above random`, holds: c.holds, sentence: `${texts[i]}${c.holds ? '' : ' (not significant)'}` })),
    sentence,
    lines: [...lines, sentence],
  };
}
