import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoreStatistics } from '../../measure/summarize-scores';
import { subsetSummary } from '../subset-study';
import { asksScoringReport, scoringContrasts, scoringTables } from '../scoring-report';
import { coresetControls } from './verdict';
import { posterCoreset } from './settings';
import type { CoresetStudy } from './study';

/**
 * The coreset finding's tables: `scores` (raw SSLMem of every point per fold: `set` = `fold
 * k`, `n, mean, std, median, q90, max`), `runs` (one row per retraining) and `means` (per
 * kept share and condition the mean and std over seeds of each task, beside the poster's
 * most-memorized rows as fractions: `poster_cifar10`, `poster_cifar100`, NaN for random).
 * With several scorings or class controls in the settings, also `scoringTables`' `contrast`,
 * `by_scoring` and (several scorings) `overlap`.
 */
export function coresetSummary(study: CoresetStudy): Record<string, ColumnTable> {
  const poster = new Map(posterCoreset.map((r) => [r.kept, r]));
  const posterOf = (field: 'cifar10' | 'cifar100') => aq.escape((d: { condition: string; kept: number }) => (d.condition === 'random' ? NaN : (poster.get(d.kept)?.[field] ?? NaN) / 100));
  const report = asksScoringReport(study.settings)
    ? scoringTables(study, scoringContrasts(study, [{ higher: 'memorized', lower: 'random' }, ...coresetControls]), [...new Set((study.table.objects() as Array<{ condition: string; size: number }>).filter((r) => r.condition === 'memorized').map((r) => r.size))])
    : {};
  return {
    scores: scoreStatistics(study.scores.derive({ set: aq.escape((d: { fold: number }) => `fold ${d.fold}`) }), 'score_raw'),
    runs: study.table,
    means: subsetSummary(study.table, study.tasks).derive({ poster_cifar10: posterOf('cifar10'), poster_cifar100: posterOf('cifar100') }),
    ...report,
  };
}
