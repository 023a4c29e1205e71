import type { ImageDataset } from '../data/dataset';
import type { RunOutput, ScoreRow } from './run-output';
import { reportScript } from './report-script';
import { scoreHistogramSvg } from './score-histogram-svg';
import { thumbnailDataUri } from './thumbnail';

/** Options of `memorizationReportHtml`. */
export interface MemorizationReportOptions {
  /** How many of the most (and of the least) memorized points to show. Default 100. */
  top?: number;
  /** Score column to rank by, e.g. `score_raw`; default the one the run printed (`summary.json`), else `score_ratio`. */
  score?: string;
  /** Thumbnail width on the page in CSS pixels (images keep their pixels). Default 64. */
  thumbnail?: number;
}

/** Defaults of `MemorizationReportOptions`. */
export const defaultMemorizationReportOptions = { top: 100, thumbnail: 64 };

function escape(text: unknown): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(v: unknown, digits = 4): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : escape(v);
}

/** The score column a report ranks by. */
export function reportScoreColumn(run: RunOutput, score?: string): string {
  const printed = run.summary?.printed;
  const wanted = score ?? (typeof printed === 'string' ? printed : 'score_ratio');
  return run.scoreColumns.includes(wanted) ? wanted : run.scoreColumns[run.scoreColumns.length - 1];
}

/**
 * The memorization report of a scored run as one self-contained HTML page (no network: the
 * thumbnails are PNG data URIs, the histograms inline SVG, the script inline): the run's
 * summary and t-tests, a score histogram per set, and the `top` most and least memorized
 * points of S_C (of every training point for an `--all-points` run) with their thumbnail,
 * score, class, id and file, sortable by any column and filterable by class. `train` and
 * `test` are the run's datasets (S_E ids index the test split).
 */
export function memorizationReportHtml(run: RunOutput, data: { train: ImageDataset; test: ImageDataset }, options: MemorizationReportOptions = {}): string {
  const top = options.top ?? defaultMemorizationReportOptions.top;
  const thumb = options.thumbnail ?? defaultMemorizationReportOptions.thumbnail;
  const column = reportScoreColumn(run, options.score);
  const { config } = run;
  const classNames = data.train.classNames;
  const className = (label: number): string => (classNames?.[label] ?? (data.train.numClasses === 1 ? '(none)' : String(label)));
  const ranked = run.rows.filter((r) => (run.allPoints ? true : r.set === 'S_C') && Number.isFinite(r.scores[column])).sort((a, b) => b.scores[column] - a.scores[column] || a.id - b.id);
  const most = ranked.slice(0, top);
  const least = ranked.slice(-Math.min(top, ranked.length)).reverse();
  const pool = run.allPoints ? 'every training point' : 'S_C (the candidates only f saw)';

  const rowHtml = (r: ScoreRow, rank: number): string => {
    const ds = r.set === 'S_E' ? data.test : data.train;
    const file = ds.files?.[r.id];
    return (
      `<tr data-class="${escape(className(r.label))}"><td data-value="${rank}">${rank}</td>` +
      `<td><img src="${thumbnailDataUri(ds, r.id)}" width="${thumb}" alt="${escape(file ?? `${ds.source} ${r.id}`)}"></td>` +
      `<td data-value="${r.scores[column]}">${num(r.scores[column])}</td><td>${escape(className(r.label))}</td><td data-value="${r.id}">${r.id}</td>` +
      `<td>${escape(r.set)}${r.fold === undefined ? '' : ` (fold ${r.fold})`}</td><td>${escape(file ?? '')}</td></tr>`
    );
  };
  const table = (id: string, title: string, rows: readonly ScoreRow[]): string =>
    `<section><h2>${escape(title)}</h2><table class="points" id="${id}"><thead><tr><th data-sort="number">rank</th><th>image</th>` +
    `<th data-sort="number">${escape(column)}</th><th data-sort="text">class</th><th data-sort="number">id</th><th data-sort="text">set</th><th data-sort="text">file</th></tr></thead>` +
    `<tbody>${rows.map((r, i) => rowHtml(r, i + 1)).join('')}</tbody></table></section>`;

  const sets = [...new Set(run.rows.map((r) => r.set))];
  const all = run.rows.map((r) => r.scores[column]).filter(Number.isFinite);
  const range: [number, number] = [Math.min(...all), Math.max(...all)];
  const histograms = sets.map((s) => scoreHistogramSvg(run.rows.filter((r) => r.set === s).map((r) => r.scores[column]), s, { range })).join('');

  const stats = (run.summary?.[column] as { statistics?: Array<Record<string, unknown>>; tests?: Array<Record<string, unknown>> } | undefined) ?? {};
  const statRows = (stats.statistics ?? []).map((s) => `<tr><td>${escape(s.set)}</td><td>${escape(s.n)}</td><td>${num(s.mean)}</td><td>${num(s.std)}</td><td>${num(s.median)}</td><td>${num(s.max)}</td></tr>`).join('');
  const tests = (stats.tests ?? [])
    .filter((t) => t.test === 'welch' && t.alternative === 'greater' && t.a === 'S_C')
    .map((t) => `<li>${escape(t.a)} &gt; ${escape(t.b)}: mean ${num(t.mean_a)} vs ${num(t.mean_b)}, t = ${num(t.statistic, 2)}, p = ${num(t.p_value, 4)} (one-sided Welch)</li>`)
    .join('');
  const classes = [...new Set(ranked.map((r) => className(r.label)))].sort();
  const dataset = config.dataset.name === 'folder' ? `image folder ${config.dataset.dir}` : config.dataset.name;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Memorization report: ${escape(config.name)} on ${escape(dataset)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}
th[data-sort]{cursor:pointer;text-decoration:underline dotted}th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
img{image-rendering:pixelated;display:block}.pair{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}.histograms{display:flex;gap:1.5em;flex-wrap:wrap}
svg.histogram text{font-size:11px}
</style></head><body>
<h1>Memorization report</h1>
<p>SSLMem of <b>${escape(config.name)}</b> on ${escape(dataset)}: ${config.seeds.length} seed(s) (${escape(config.seeds.join(', '))}), ${escape(config.train.epochs)} epochs, ${escape(config.score.pairs)} pair(s) of views per point, ${escape(config.objective.name)} on a ${escape(config.encoder.kind)} encoder. Score: <b>${escape(column)}</b> (SSL_g - SSL_f, higher: more memorized by f). Run folder: ${escape(run.dir)}.</p>
${statRows === '' ? '' : `<table id="summary"><thead><tr><th>set</th><th>n</th><th>mean</th><th>std</th><th>median</th><th>max</th></tr></thead><tbody>${statRows}</tbody></table>`}
${tests === '' ? '' : `<ul id="tests">${tests}</ul>`}
<h2>Scores per set</h2><div class="histograms">${histograms}</div>
<p><label>Class: <select id="class-filter"><option value="">all</option>${classes.map((c) => `<option value="${escape(c)}">${escape(c)}</option>`).join('')}</select></label>
Ranked: ${ranked.length} points of ${pool}. Click a column header to sort.</p>
<div class="pair">${table('most', `Most memorized (top ${most.length})`, most)}${table('least', `Least memorized (bottom ${least.length})`, least)}</div>
<script>${reportScript}</script>
</body></html>
`;
}
