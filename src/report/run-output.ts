import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../design/experiment-config';
import { InputError } from '../util/errors';

/** One scored point of a run's `scores.csv`. */
export interface ScoreRow {
  readonly id: number;
  /** `S_C`, `S_S`, `S_I`, `S_E`; `train` for a run scored with `--all-points`. */
  readonly set: string;
  readonly label: number;
  readonly scores: Readonly<Record<string, number>>;
  /** With `--all-points`: the fold whose reference encoder never saw the point. */
  readonly fold?: number;
}

/** What `sslmem score --out DIR` wrote, as the report reads it. */
export interface RunOutput {
  readonly dir: string;
  readonly config: ExperimentConfig;
  /** `summary.json`, when there. */
  readonly summary: Record<string, unknown> | undefined;
  readonly rows: readonly ScoreRow[];
  /** Scored with `--all-points` (every training point, a `fold` column). */
  readonly allPoints: boolean;
  /** The score columns, e.g. `score_raw`, `score_ratio`. */
  readonly scoreColumns: readonly string[];
}

function readText(dir: string, file: string, what: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) throw new InputError('option --run', `the --out folder of sslmem score (it holds ${file}, ${what})`, `${JSON.stringify(dir)} without ${file}`);
  return readFileSync(path, 'utf8');
}

/**
 * Reads the output folder of `sslmem score` (`config.json`, `scores.csv`, `summary.json`
 * when there). Errors name the file and the line.
 */
export function readRunOutput(dir: string): RunOutput {
  const config = JSON.parse(readText(dir, 'config.json', 'the resolved config')) as ExperimentConfig;
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>) : undefined;
  const lines = readText(dir, 'scores.csv', 'one row per scored point').split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  for (const column of ['id', 'label']) {
    if (!header.includes(column)) throw new InputError(`${join(dir, 'scores.csv')} header`, `a column ${column}`, JSON.stringify(lines[0] ?? ''));
  }
  const scoreColumns = header.filter((h) => h.startsWith('score_'));
  if (scoreColumns.length === 0) throw new InputError(`${join(dir, 'scores.csv')} header`, 'score columns (score_raw, ...)', JSON.stringify(lines[0]));
  const allPoints = header.includes('fold');
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new InputError(`${join(dir, 'scores.csv')} line ${i + 2}`, `${header.length} cells`, `${cells.length}`);
    const cell = (name: string): string => cells[header.indexOf(name)];
    const scores = Object.fromEntries(scoreColumns.map((c) => [c, Number(cell(c))]));
    return { id: Number(cell('id')), set: header.includes('set') ? cell('set') : 'train', label: Number(cell('label')), scores, ...(allPoints ? { fold: Number(cell('fold')) } : {}) };
  });
  return { dir, config, summary, rows, allPoints, scoreColumns };
}

/** A score table as `memorizationScores` or `allPointScores` returns it (an arquero table's reading side). */
export interface ScoreTableLike {
  columnNames(): string[];
  numRows(): number;
  get(column: string, row: number): unknown;
}

/**
 * A run in memory, as the report reads it: `config` and its score table (one row per point:
 * `id`, `set`, `label`, `score_*`; a `fold` column for all-point scores), e.g. in a notebook
 * `runOutputOf(config, await memorizationScores(config))`.
 */
export function runOutputOf(config: ExperimentConfig, table: ScoreTableLike, options: { dir?: string; summary?: Record<string, unknown> } = {}): RunOutput {
  const names = table.columnNames();
  const scoreColumns = names.filter((n) => n.startsWith('score_'));
  const allPoints = names.includes('fold');
  const rows: ScoreRow[] = [];
  for (let i = 0; i < table.numRows(); i++) {
    rows.push({
      id: Number(table.get('id', i)),
      set: names.includes('set') ? String(table.get('set', i)) : 'train',
      label: Number(table.get('label', i)),
      scores: Object.fromEntries(scoreColumns.map((c) => [c, Number(table.get(c, i))])),
      ...(allPoints ? { fold: Number(table.get('fold', i)) } : {}),
    });
  }
  return { dir: options.dir ?? '(in memory)', config, summary: options.summary, rows, allPoints, scoreColumns };
}
