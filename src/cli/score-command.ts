import type { ColumnTable } from 'arquero';
import { memorizationScores, memorizationScoresKey, memorizationScoresKind } from '../measure/memorization-scores';
import { allPointScores, allPointScoresKey, allPointScoresKind, allPointsPlan, defaultFolds } from '../measure/all-point-scores';
import { compareSets, defaultComparisons, scoreStatistics, type ScoreColumn } from '../measure/summarize-scores';
import { scoreNormalizations, type ScoreNormalization } from '../memorization/normalize-scores';
import { sidePlan } from '../plans/side-plan';
import type { Command } from './command';
import { experimentOptionSpecs } from './experiment-options';
import { configJson } from './output-names';
import type { OptionSpec } from './parse-args';
import { loadData, privacyReport, startRun, storedHistories, type RunContext } from './run-context';
import { allPointsSummaryText, allPointsSummary, allPointsHistories } from './all-points-summary';
import { reportText, trainAndScore } from './train-and-score-progress';
import { formatNumber, formatPValue, formatTable, listFiles } from './summary-text';
import { reliabilitySummary } from './reliability-summary';
import { writeOutputs, type OutputContent } from './write-outputs';

/** What each normalisation is, for the printed summary. */
export const normalizationText: Record<ScoreNormalization, string> = {
  raw: 'raw = SSL_g - SSL_f (the definition)',
  range: "range = (SSL_g - SSL_f) / (max - min of S_C's raw scores) (official code)",
  ratio: 'ratio = (SSL_g - SSL_f) / (SSL_g + SSL_f) (follow-up paper)',
};

const normalizationSpec: OptionSpec = {
  name: 'normalization',
  kind: 'choice',
  choices: scoreNormalizations,
  default: 'ratio',
  description: 'Score the printed summary uses (summary.json and scores.csv hold all three).',
};

const allPointsSpec: OptionSpec = {
  name: 'all-points',
  kind: 'flag',
  description:
    'Score every training point (S_S + S_C + S_I) instead of the four sets: per seed f trains on all of them and one reference g per fold without that fold; each point is scored against the g that never saw it. scores.csv gets a fold column.',
};

const foldsSpec: OptionSpec = { name: 'folds', kind: 'integer', min: 2, default: defaultFolds, description: 'With --all-points: the number of folds K (K reference encoders per seed).' };

const refreshSpec: OptionSpec = {
  name: 'refresh',
  kind: 'flag',
  description: "Score again even when the run store has this experiment's scores (stored encoders are still reused).",
};

/** Per-set statistics and t-tests of one score column; tests left out when a value is not finite. */
function summarizeColumn(table: ColumnTable, column: ScoreColumn): { statistics: object[]; tests: object[] } {
  const values = table.array(column) as ArrayLike<number>;
  const finite = Array.from(values).every(Number.isFinite);
  return {
    statistics: scoreStatistics(table, column).objects(),
    tests: finite ? compareSets(table, column, defaultComparisons).objects() : [],
  };
}

/** The printed summary of a scored experiment. */
export function scoreSummaryText(ctx: Pick<RunContext, 'config'>, table: ColumnTable, normalization: ScoreNormalization): string {
  const { config } = ctx;
  const column = `score_${normalization}` as ScoreColumn;
  const { statistics, tests } = summarizeColumn(table, column);
  const seeds = config.seeds.length;
  const lines = [
    `SSLMem of "${config.name}" on ${config.dataset.name}: ${seeds} seed${seeds === 1 ? '' : 's'} (${config.seeds.join(', ')}), ` +
      `${config.train.epochs} epochs, ${config.score.pairs} pair${config.score.pairs === 1 ? '' : 's'} of views per point`,
    `normalization: ${normalizationText[normalization]} (--normalization raw|range|ratio)`,
    '',
    formatTable(statistics as Array<Record<string, unknown>>, ['set', 'n', 'mean', 'std', 'median', 'q90', 'max']),
    '',
  ];
  const welch = tests as Array<{ a: string; b: string; test: string; alternative: string; statistic: number; df: number; p_value: number; mean_a: number; mean_b: number }>;
  const shown = welch.filter((t) => t.test === 'welch' && t.alternative === 'greater' && t.a === 'S_C');
  if (shown.length > 0) {
    lines.push('One-sided Welch t-tests (H1: the first set has the higher mean score):');
    for (const t of shown) {
      lines.push(
        `  ${t.a} > ${t.b}: mean ${formatNumber(t.mean_a)} vs ${formatNumber(t.mean_b)}, difference ${formatNumber(t.mean_a - t.mean_b)}, ` +
          `t = ${t.statistic.toFixed(2)}, df = ${t.df.toFixed(1)}, p = ${formatPValue(t.p_value)}`,
      );
    }
  } else {
    lines.push(`No t-tests (a set has fewer than two points or ${column} is not finite everywhere).`);
  }
  return lines.join('\n');
}

/** `sslmem score`: trains (or reuses) f and g, scores the four sets, writes scores and summary. */
export const scoreCommand: Command = {
  summary: 'Train (or reuse) f and g and score SSLMem on S_C, S_S, S_I and S_E, with t-tests.',
  help: {
    command: 'sslmem score',
    summary:
      'Trains (or takes from the run store) the encoders f and g of every seed, then scores SSLMem = SSL_g - SSL_f of every ' +
      'point of the four sets: S_C (seen by f only), S_S (by both), S_I (by g only) and S_E (by neither), with the mean ' +
      'alignment loss over the seeds. Prints the mean score per set, one-sided Welch t-tests of S_C against S_S, S_I and S_E, ' +
      "and, with 2 or more seeds, the reliability of the candidates' ranking (of every point with --all-points): how far the seeds agree.",
    options: [...experimentOptionSpecs, normalizationSpec, allPointsSpec, foldsSpec, refreshSpec],
    notes: [
      'Writes to --out: scores.csv and scores.arrow (the same table as Apache Arrow IPC, for pandas/pyarrow and arquero: id, ' +
        'set, label, align_f, align_g, score_raw, score_range, score_ratio, then raw_seed<S>: seed S\'s own raw score; id indexes the train split, the test split for S_E), summary.json (per-set statistics and Welch/Student t-tests of every score ' +
        'column, and the reliability of the ranking: between-seed Pearson and Spearman, within class too, the Spearman-Brown reliability of the seed mean with a bootstrap interval, the share of class, the seeds needed for 0.8), history-<f|g>-seed<S>.csv and config.json.',
    ],
    examples: [
      'sslmem score --dataset mnist --preset quick --out out/quick',
      'sslmem score --preset laptop --seeds 0,1,2 --normalization raw --out out/laptop',
      'sslmem score --preset quick --all-points --folds 4 --out out/all-points',
    ],
  },
  async run({ values }, io) {
    const ctx = await startRun(values, io);
    const { config, store } = ctx;
    const normalization = values.normalization as ScoreNormalization;
    const data = await loadData(ctx);
    if (values['all-points'] === true) {
      const folds = values.folds as number;
      const plan = allPointsPlan(config, data, folds);
      const table = await trainAndScore(ctx, values.refresh === true, {
        kind: allPointScoresKind,
        key: allPointScoresKey(config, folds),
        reused: `scores reused from the run store ${store.root} (--refresh scores again)`,
        plan: plan.jobs,
        compute: (options) => allPointScores(config, { ...options, folds, data, plan, onProgress: (fold, done, total) => options.onProgress(`fold ${fold}`, done, total) }),
      });
      const privacy = privacyReport(ctx);
      const reliability = reliabilitySummary(table, { what: 'every training point' });
      const files: Array<[string, OutputContent]> = [
        ['scores.csv', table.toCSV()],
        ['scores.arrow', table.toArrowIPC({ format: 'file' })],
        [
          'summary.json',
          `${JSON.stringify({ ...allPointsSummary(ctx, table, folds), reliability: reliability.json, ...(privacy === undefined ? {} : { privacy: privacy.json }) }, null, 2)}\n`,
        ],
        ...allPointsHistories(ctx, plan),
        ['config.json', configJson(config)],
      ];
      const written = await writeOutputs(ctx.out, files);
      io.stdout.write(reportText(`${allPointsSummaryText(ctx, table, folds, normalization)}\n\n${reliability.text}`, privacy, listFiles(ctx.out, written)));
      return 0;
    }
    const plan = sidePlan(config);
    const table = await trainAndScore(ctx, values.refresh === true, {
      kind: memorizationScoresKind,
      key: memorizationScoresKey(config),
      reused: `scores reused from the run store ${store.root} (--refresh scores again)`,
      plan,
      compute: (options) => memorizationScores(config, { ...options, data, plan }),
    });
    const privacy = privacyReport(ctx, plan);
    const reliability = reliabilitySummary(table, { sets: ['S_C'], what: 'the candidates (S_C)' });
    const summary = {
      name: config.name,
      dataset: config.dataset.name,
      seeds: config.seeds,
      epochs: config.train.epochs,
      pairs: config.score.pairs,
      printed: `score_${normalization}`,
      ...Object.fromEntries(scoreNormalizations.map((n) => [`score_${n}`, summarizeColumn(table, `score_${n}` as ScoreColumn)])),
      reliability: reliability.json,
      ...(privacy === undefined ? {} : { privacy: privacy.json }),
    };
    const files: Array<[string, OutputContent]> = [
      ['scores.csv', table.toCSV()],
      ['scores.arrow', table.toArrowIPC({ format: 'file' })],
      ['summary.json', `${JSON.stringify(summary, null, 2)}\n`],
      ...storedHistories(ctx, plan),
      ['config.json', configJson(config)],
    ];
    const written = await writeOutputs(ctx.out, files);
    io.stdout.write(reportText(`${scoreSummaryText(ctx, table, normalization)}\n\n${reliability.text}`, privacy, listFiles(ctx.out, written)));
    return 0;
  },
};
