import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { scoreStatistics, type ScoreColumn } from '../measure/summarize-scores';
import { scoreColumnNames } from '../measure/score-table';
import type { ScoreNormalization } from '../memorization/normalize-scores';
import { encoderStore } from '../plans/encoder-store';
import type { FoldPlan } from '../plans/fold-plan';
import type { RunContext } from './run-context';
import { formatTable } from './summary-text';

/** The all-point table with `set` replaced by `fold k`, plus every row again as `all`, for per-fold statistics. */
function byFold(table: ColumnTable): ColumnTable {
  const folds = table.derive({ set: aq.escape((d: { fold: number }) => `fold ${d.fold}`) });
  return folds.concat(table.derive({ set: () => 'all' }));
}

/** Statistics per fold and over all points of every score column, and the ten most memorized points. */
export function allPointsSummary(ctx: Pick<RunContext, 'config'>, table: ColumnTable, folds: number): Record<string, unknown> {
  const { config } = ctx;
  const grouped = byFold(table);
  const top = table.orderby(aq.desc('score_raw')).slice(0, 10).objects();
  return {
    name: config.name,
    dataset: config.dataset.name,
    points: table.numRows(),
    folds,
    seeds: config.seeds,
    epochs: config.train.epochs,
    pairs: config.score.pairs,
    ...Object.fromEntries(scoreColumnNames.map((c) => [c, { statistics: scoreStatistics(grouped, c).objects() }])),
    mostMemorized: top,
  };
}

/** The printed summary of `score --all-points`. */
export function allPointsSummaryText(ctx: Pick<RunContext, 'config'>, table: ColumnTable, folds: number, normalization: ScoreNormalization): string {
  const { config } = ctx;
  const column = `score_${normalization}` as ScoreColumn;
  const seeds = config.seeds.length;
  const top = table.orderby(aq.desc(column)).slice(0, 10).objects() as Array<{ id: number; label: number }>;
  return [
    `SSLMem of every training point of "${config.name}" on ${config.dataset.name}: ${table.numRows()} points in ${folds} folds, ` +
      `${seeds} seed${seeds === 1 ? '' : 's'} (${config.seeds.join(', ')}), ${config.train.epochs} epochs; per seed one f on all points and ${folds} g's, each without one fold`,
    `normalization: ${column} (--normalization raw|range|ratio)`,
    '',
    formatTable(scoreStatistics(byFold(table), column).objects() as Array<Record<string, unknown>>, ['set', 'n', 'mean', 'std', 'median', 'q90', 'max']),
    '',
    `most memorized (id:label): ${top.map((r) => `${r.id}:${r.label}`).join(', ')}`,
  ].join('\n');
}

/** The stored training histories of an all-points plan: `history-all-seed0.csv`, `history-fold0-seed0.csv`, ... */
export function allPointsHistories(ctx: Pick<RunContext, 'store'>, plan: FoldPlan): Array<[string, string]> {
  const encoders = encoderStore(ctx.store);
  const files: Array<[string, string]> = [];
  for (const seed of plan.seeds) {
    const named: Array<[string, ReturnType<FoldPlan['full']>]> = [[`history-all-seed${seed}.csv`, plan.full(seed)]];
    for (let k = 0; k < plan.folds; k++) named.push([`history-fold${k}-seed${seed}.csv`, plan.without(k, seed)]);
    for (const [name, job] of named) {
      const text = encoders.historyCsv(job);
      if (text !== undefined) files.push([name, text]);
    }
  }
  return files;
}
