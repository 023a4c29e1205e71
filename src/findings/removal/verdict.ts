import { formatPValueText } from '../../measure/verdict-text';
import type { Verdict } from '../finding';
import { pairedComparison, sameShareAndSeed, type PairedComparison } from '../paired-comparison';
import { subsetSummary } from '../subset-study';
import { asksScoringReport, subsetReportVerdict, type ConditionPair } from '../scoring-report';
import type { RemovalStudy } from './study';

/** Per task, random removals against memorized ones of the same size and seed (one-sided paired t-test of random - memorized). */
export function removalComparisons(study: RemovalStudy, alpha = 0.05): PairedComparison[] {
  return study.tasks.map((t) => pairedComparison(study.table, t, (r) => r.condition === 'random', (r) => r.condition === 'memorized', sameShareAndSeed, alpha));
}

/** The removal's class controls: removing class-matched random points against removing the memorized ones, and removing random points against removing the most memorized within each class. */
export const removalControls: readonly ConditionPair[] = [
  { higher: 'random-matched', lower: 'memorized' },
  { higher: 'random', lower: 'memorized-per-class' },
];

/** Points each memorized removal of the study removed (pool size - kept size). */
export function removedSizes(study: RemovalStudy): number[] {
  const rows = study.table.objects() as Array<{ condition: string; size: number }>;
  const pool = study.scores.numRows();
  return [...new Set(rows.filter((r) => r.condition === 'memorized').map((r) => pool - r.size))];
}

/**
 * Tests, per task (one part each), that removing the most memorized points hurts more than
 * removing random ones: the differences random - memorized over every removed share and
 * seed, one-sided paired t-test. Holds when it holds on every task. `lines`: each removal
 * and condition's means over seeds per task, then the sentence.
 *
 * With several scorings (`settings.scorings`) the scoring is the unit of the test: per
 * task the random - memorized difference averaged within each scoring, one-sided t-test
 * across scorings (`scoringContrast`); it holds when it holds on the primary (first) task,
 * the other tasks become a line, as does the paired test over seeds, and the reliability of
 * each scoring's ranking and the projection follow. With class controls
 * (`settings.controls`) a line per control and task. With one scoring and no controls the
 * verdict is the one above.
 */
export function removalVerdict(study: RemovalStudy, alpha = 0.05): Verdict {
  const seeds = removalSeedVerdict(study, alpha);
  if (!asksScoringReport(study.settings)) return seeds;
  return subsetReportVerdict(study, seeds, {
    pair: { higher: 'random', lower: 'memorized' },
    controls: removalControls,
    sizes: removedSizes(study),
    partName: 'removing memorized points hurts more across scorings',
    choice: 'memorized removal',
    sentence: (holds, tested, caveat) =>
      `Removing the most memorized points ${holds ? 'hurts' : 'does not hurt'} the primary task more than removing random ones, with the scoring as the unit (${tested}): the claim ${holds ? 'holds' : 'is not confirmed'} at this scale${caveat}.`,
  }, alpha);
}

function removalSeedVerdict(study: RemovalStudy, alpha: number): Verdict {
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
