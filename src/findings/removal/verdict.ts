import { formatPValueText } from '../../measure/verdict-text';
import type { Verdict } from '../finding';
import { pairedComparison, sameShareAndSeed, type PairedComparison } from '../paired-comparison';
import { subsetSummary } from '../subset-study';
import type { RemovalStudy } from './study';

/** Per task, random removals against memorized ones of the same size and seed (one-sided paired t-test of random - memorized). */
export function removalComparisons(study: RemovalStudy, alpha = 0.05): PairedComparison[] {
  return study.tasks.map((t) => pairedComparison(study.table, t, (r) => r.condition === 'random', (r) => r.condition === 'memorized', sameShareAndSeed, alpha));
}

/**
 * Tests, per task (one part each), that removing the most memorized points hurts more than
 * removing random ones: the differences random - memorized over every removed share and
 * seed, one-sided paired t-test. Holds when it holds on every task. `lines`: each removal
 * and condition's means over seeds per task, then the sentence.
 */
export function removalVerdict(study: RemovalStudy, alpha = 0.05): Verdict {
  const comparisons = removalComparisons(study, alpha);
  const holdsOn = comparisons.filter((c) => c.holds).map((c) => c.task);
  const holds = holdsOn.length === comparisons.length && comparisons.length > 0;
  const texts = comparisons.map(
    (c) => `${c.task}: random - memorized ${c.meanDifference >= 0 ? '+' : ''}${(100 * c.meanDifference).toFixed(2)} points over ${c.n} pairs (${c.wins} of ${c.n} in favour), ${formatPValueText(c.pValue)}${c.holds ? '' : ' (not significant)'}`,
  );
  const outcome = holds ? 'the claim holds at this scale on every task' : holdsOn.length > 0 ? `the claim is not confirmed at this scale: it holds on ${holdsOn.join(', ')} only` : 'the claim is not confirmed at this scale on any task';
  const sentence = `Removing the most memorized points ${holds ? 'hurts' : 'does not always hurt'} downstream tasks more than removing random ones (${texts.join('; ')}): ${outcome}.`;
  const rows = subsetSummary(study.table, study.tasks).objects() as Array<Record<string, number | string>>;
  const lines = rows.map(
    (row) =>
      `${row.condition === 'none' ? 'no removal' : `remove ${Math.round(100 * (1 - Number(row.kept)))}% ${row.condition}`} (${row.size} points): ` +
      study.tasks.map((t) => `${t} ${(100 * Number(row[`${t}_mean`])).toFixed(2)} +- ${(100 * Number(row[`${t}_std`])).toFixed(2)}`).join(', '),
  );
  return {
    holds,
    parts: comparisons.map((c, i) => ({ name: `${c.task}: removing memorized points hurts more`, holds: c.holds, sentence: texts[i] })),
    sentence,
    lines: [...lines, sentence],
  };
}
