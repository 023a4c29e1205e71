import type { ColumnTable } from 'arquero';
import { labelMemorization, labelMemorizationConfig, labelMemorizationKey, labelMemorizationKind } from '../measure/label-memorization';
import { compareSets, defaultComparisons, scoreStatistics } from '../measure/summarize-scores';
import type { Command } from './command';
import { requireLabels } from './require-labels';
import { experimentOptionSpecs } from './experiment-options';
import { configJson } from './output-names';
import type { OptionSpec } from './parse-args';
import { loadData, privacyReport, startRun, storedHistories, type RunContext } from './run-context';
import { reportText, trainAndScore } from './train-and-score-progress';
import { formatNumber, formatPValue, formatTable, listFiles } from './summary-text';
import { writeOutputs, type OutputContent } from './write-outputs';

/** The columns of `label-memorization.csv`, in order. */
export const labelMemorizationColumns = ['id', 'set', 'label', 'p_f', 'p_g', 'score'] as const;

/** `--objective` as this command has it: supervised only. */
const objectiveSpec: OptionSpec = {
  name: 'objective',
  kind: 'choice',
  choices: ['supervised'],
  defaultText: 'supervised',
  description: "Always supervised: label memorization trains supervised models (encoder and linear classifier over the dataset's classes).",
};

const refreshSpec: OptionSpec = {
  name: 'refresh',
  kind: 'flag',
  description: "Compute the probabilities again even when the run store has this experiment's table (stored models are still reused).",
};

interface WelchRow {
  a: string;
  b: string;
  test: string;
  alternative: string;
  statistic: number;
  df: number;
  p_value: number;
  mean_a: number;
  mean_b: number;
}

/** Per-set statistics of `score`, `p_f` and `p_g`, and the t-tests of `score` (left out when a score is not finite). */
export function labelMemorizationSummary(table: ColumnTable): { score: { statistics: object[]; tests: object[] }; p_f: { statistics: object[] }; p_g: { statistics: object[] } } {
  const finite = Array.from(table.array('score') as ArrayLike<number>).every(Number.isFinite);
  return {
    score: { statistics: scoreStatistics(table, 'score').objects(), tests: finite ? compareSets(table, 'score', defaultComparisons).objects() : [] },
    p_f: { statistics: scoreStatistics(table, 'p_f').objects() },
    p_g: { statistics: scoreStatistics(table, 'p_g').objects() },
  };
}

/** The printed summary of a label-memorization table: mean p_f, p_g and score per set, and the one-sided Welch tests of S_C. */
export function labelMemorizationSummaryText(ctx: Pick<RunContext, 'config'>, table: ColumnTable): string {
  const { config } = ctx;
  const summary = labelMemorizationSummary(table);
  const seeds = config.seeds.length;
  const meanOf = (rows: object[], set: string): number | undefined => (rows as Array<{ set: string; mean: number }>).find((r) => r.set === set)?.mean;
  const rows = (summary.score.statistics as Array<Record<string, unknown> & { set: string }>).map((r) => ({
    set: r.set,
    n: r.n,
    p_f: meanOf(summary.p_f.statistics, r.set),
    p_g: meanOf(summary.p_g.statistics, r.set),
    score: r.mean,
    std: r.std,
    median: r.median,
    q90: r.q90,
    max: r.max,
  }));
  const lines = [
    `Label memorization (Feldman & Zhang 2020) of "${config.name}" on ${config.dataset.name}: supervised ${String(config.encoder.kind)} models, ` +
      `${seeds} seed${seeds === 1 ? '' : 's'} (${config.seeds.join(', ')}), ${config.train.epochs} epochs`,
    'p_f, p_g = mean probability of the true label under f (trained on S_S + S_C) and g (on S_S + S_I); score = p_f - p_g',
    '',
    formatTable(rows, ['set', 'n', 'p_f', 'p_g', 'score', 'std', 'median', 'q90', 'max']),
    '(p_f, p_g, score: means over the set; std, median, q90, max: of score)',
    '',
  ];
  const shown = (summary.score.tests as WelchRow[]).filter((t) => t.test === 'welch' && t.alternative === 'greater' && t.a === 'S_C');
  if (shown.length > 0) {
    lines.push('One-sided Welch t-tests (H1: the first set has the higher mean score):');
    for (const t of shown) {
      lines.push(
        `  ${t.a} > ${t.b}: mean ${formatNumber(t.mean_a)} vs ${formatNumber(t.mean_b)}, difference ${formatNumber(t.mean_a - t.mean_b)}, ` +
          `t = ${t.statistic.toFixed(2)}, df = ${t.df.toFixed(1)}, p = ${formatPValue(t.p_value)}`,
      );
    }
  } else {
    lines.push('No t-tests (a set has fewer than two points or a score is not finite).');
  }
  return lines.join('\n');
}

/** `sslmem label-memorization`: trains (or reuses) supervised f and g and scores label memorization on the four sets. */
export const labelMemorizationCommand: Command = {
  summary: 'Train (or reuse) supervised f and g and score label memorization (Feldman & Zhang) on the four sets.',
  help: {
    command: 'sslmem label-memorization',
    summary:
      'Label memorization (Feldman & Zhang 2020) on the SSLMem split: trains (or takes from the run store) a supervised ' +
      'model f (encoder and linear classifier, cross-entropy, on S_S + S_C) and g (on S_S + S_I) per seed, with the ' +
      "preset's encoder, augmentation, training and seeds, then scores every point of S_C, S_S, S_I and S_E by " +
      'score = p_f - p_g, the mean softmax probability of its true label under f minus that under g. Prints the means per ' +
      'set and one-sided Welch t-tests of S_C against S_S, S_I and S_E.',
    options: [...experimentOptionSpecs.map((spec) => (spec.name === 'objective' ? objectiveSpec : spec)), refreshSpec],
    notes: [
      'Writes to --out: label-memorization.csv (id, set, label, p_f, p_g, score; id indexes the train split, the test split ' +
        'for S_E, as in the scores.csv of sslmem score), summary.json (per-set statistics of p_f, p_g and score, and Welch/Student ' +
        't-tests of score), history-<f|g>-seed<S>.csv and config.json (the supervised config that was trained).',
    ],
    examples: ['sslmem label-memorization --preset quick --out out/label-quick', 'sslmem label-memorization --preset laptop --seeds 0,1,2 --out out/label-laptop'],
  },
  async run({ values }, io) {
    const started = await startRun(values, io);
    requireLabels(started.config, 'sslmem label-memorization');
    const ctx: RunContext = { ...started, config: labelMemorizationConfig(started.config) };
    const { config, store } = ctx;
    await loadData(ctx);
    const table = await trainAndScore(ctx, values.refresh === true, {
      kind: labelMemorizationKind,
      key: labelMemorizationKey(config),
      reused: `label memorization reused from the run store ${store.root} (--refresh computes it again)`,
      compute: (options) => labelMemorization(config, options),
    });
    const privacy = privacyReport(ctx);
    const summary = {
      name: config.name,
      dataset: config.dataset.name,
      objective: config.objective,
      seeds: config.seeds,
      epochs: config.train.epochs,
      ...labelMemorizationSummary(table),
      ...(privacy === undefined ? {} : { privacy: privacy.json }),
    };
    const files: Array<[string, OutputContent]> = [
      ['label-memorization.csv', table.select(...labelMemorizationColumns).toCSV()],
      ['summary.json', `${JSON.stringify(summary, null, 2)}\n`],
      ...storedHistories(ctx),
      ['config.json', configJson(config)],
    ];
    const written = await writeOutputs(ctx.out, files);
    io.stdout.write(reportText(labelMemorizationSummaryText(ctx, table), privacy, listFiles(ctx.out, written)));
    return 0;
  },
};
