import type { ColumnTable } from 'arquero';
import { rankingReliability, type RankingReliability } from '../measure/ranking-reliability';
import { perSeedScores } from '../measure/score-table';
import { InputError } from '../util/errors';
import { formatNumber } from './summary-text';

/** Options of `reliabilitySummary`. */
export interface ReliabilitySummaryOptions {
  /** The sets of the ranked points (default every row). */
  readonly sets?: readonly string[];
  /** The points in words, e.g. `'the candidates (S_C)'`. */
  readonly what: string;
  /** Coverage of the bootstrap interval (default 0.95). */
  readonly level?: number;
  /** The reliability the seeds needed aim at (default 0.8). */
  readonly target?: number;
}

/** The reliability of a score table's ranking for summary.json (`json`) and the printed summary (`text`). */
export interface ReliabilitySummary {
  readonly json: Record<string, unknown>;
  readonly text: string;
}

const percent = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : String(x));

function measured(r: RankingReliability, what: string, level: number): ReliabilitySummary {
  const k = r.seeds;
  const interval = r.interval === undefined ? '' : ` (${Math.round(100 * level)}% bootstrap interval ${formatNumber(r.interval[0])} to ${formatNumber(r.interval[1])})`;
  const verdict =
    r.pearson <= 0
      ? '; the seeds do not agree at all (read it as 0: the ranking is the noise of the training runs)'
      : r.reliability < 0.5
        ? '; below 0.5 the ranking is mostly the noise of the training runs'
        : '';
  const text = [
    `Reliability of the ranking of ${what}, ${r.points} points, by score_raw over ${k} seeds (${r.seedList.join(', ')}):`,
    `  between two seeds: Pearson ${formatNumber(r.pearson)}, Spearman ${formatNumber(r.spearman)}` +
      (r.withinClass === undefined ? '' : `; within a class: Pearson ${formatNumber(r.withinClass)}, Spearman ${formatNumber(r.withinClassSpearman ?? NaN)}`),
    `  Spearman-Brown reliability of the ${k}-seed mean: ${formatNumber(r.reliability)}${interval}${verdict}`,
    ...(r.classShare === undefined ? [] : [`  class explains ${percent(r.classShare)} of the variance of the mean score`]),
    `  seeds for a reliability of ${r.target}: ${Number.isFinite(r.seedsNeeded) ? r.seedsNeeded : 'none suffice (the seeds do not agree)'}`,
  ].join('\n');
  const json = {
    measured: true,
    ...r,
    seeds: r.seedList,
    ...(r.interval === undefined ? {} : { interval: { level, low: r.interval[0], high: r.interval[1] } }),
    seedsNeeded: Number.isFinite(r.seedsNeeded) ? r.seedsNeeded : null,
  } as Record<string, unknown>;
  delete json.seedList;
  return { json, text };
}

/**
 * How far the ranking of a score table's points can be trusted (`rankingReliability` of its
 * per-seed raw scores), for `sslmem score`: with one seed it says that reliability needs 2
 * or more; when the table cannot be measured (no per-seed columns, scores not finite) it
 * says why.
 */
export function reliabilitySummary(table: ColumnTable, options: ReliabilitySummaryOptions): ReliabilitySummary {
  const level = options.level ?? 0.95;
  const seeds = perSeedScores(table).seeds;
  if (seeds.length === 1) {
    return {
      json: { measured: false, seeds, reason: 'reliability needs 2 or more seeds' },
      text: `Reliability of the ranking of ${options.what}: needs 2 or more seeds (this run has 1; e.g. --seeds 0,1).`,
    };
  }
  try {
    return measured(rankingReliability(table, { sets: options.sets, level, target: options.target }), options.what, level);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { json: { measured: false, seeds, reason: e.message }, text: `Reliability of the ranking of ${options.what}: not measured (${e.message}).` };
  }
}
