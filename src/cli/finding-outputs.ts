import { verdictOutcome, type Finding, type FindingSettings, type Verdict } from '../findings/finding';
import { canRenderPng, figurePng } from '../plot/figure-png';
import type { OutputContent } from './write-outputs';

/** What `findingOutputs` returns: the files for `writeOutputs`, the verdict and what was left out. */
export interface FindingOutputs {
  readonly files: Array<[string, OutputContent]>;
  readonly verdict: Verdict;
  /** Notes for the log, e.g. a figure drawn only as Plotly JSON (its traces have no PNG form). */
  readonly notes: string[];
}

/** A table's or figure's name as a file stem: letters, digits, `.`, `_` and `-` kept, anything else `-`. */
export function outputStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return stem.length > 0 ? stem : 'unnamed';
}

/**
 * The files `sslmem finding` writes for a study: every summary table as `NAME.csv` and
 * `NAME.arrow` (Apache Arrow IPC file), every figure as `NAME.plotly.json` and `NAME.png`
 * (when its traces have a PNG form), and `summary.json` with the finding, the preset, the
 * settings (non-finite numbers such as an epsilon of `Infinity` as text), the verdict
 * (holds, outcome, parts, sentence, lines) and the names of the tables and figures.
 */
export function findingOutputs(
  finding: Finding<FindingSettings, unknown>,
  study: unknown,
  context: { preset: string; settings: FindingSettings },
): FindingOutputs {
  const files: Array<[string, OutputContent]> = [];
  const notes: string[] = [];
  const taken = new Map<string, string>();
  const claim = (stem: string, what: string): void => {
    const other = taken.get(stem);
    if (other !== undefined) throw new Error(`finding ${finding.name}: ${what} and ${other} would both be written as ${stem}.*; expected distinct names`);
    taken.set(stem, what);
  };
  const tables = Object.entries(finding.summary(study));
  for (const [name, table] of tables) {
    const stem = outputStem(name);
    claim(stem, `table ${JSON.stringify(name)}`);
    let arrow: Uint8Array;
    try {
      arrow = table.toArrowIPC({ format: 'file' });
    } catch (error) {
      throw new Error(`finding ${finding.name}: table ${JSON.stringify(name)} as Arrow IPC: ${(error as Error).message}`);
    }
    files.push([`${stem}.csv`, table.toCSV()], [`${stem}.arrow`, arrow]);
  }
  const figures = finding.figures(study);
  const figureStems = new Map<string, string>();
  for (const { name, figure } of figures) {
    const stem = outputStem(name);
    if (figureStems.has(stem)) throw new Error(`finding ${finding.name}: two figures would both be written as ${stem}.*; expected distinct names`);
    figureStems.set(stem, name);
    files.push([`${stem}.plotly.json`, `${JSON.stringify(figure)}\n`]);
    let png: Uint8Array | undefined;
    if (canRenderPng(figure)) {
      try {
        png = figurePng(figure);
      } catch (error) {
        notes.push(`figure ${name}: no PNG (${(error as Error).message}); ${stem}.plotly.json holds it`);
      }
    } else notes.push(`figure ${name}: no PNG (trace types ${[...new Set(figure.data.map((t) => t.type ?? 'scatter'))].join(', ')}); ${stem}.plotly.json holds it`);
    if (png !== undefined) files.push([`${stem}.png`, png]);
  }
  const verdict = finding.verdict(study);
  const summary = {
    finding: finding.name,
    notebook: finding.notebook,
    claim: finding.claim,
    preset: context.preset,
    settings: context.settings,
    verdict: {
      holds: verdict.holds,
      outcome: verdictOutcome(verdict),
      parts: verdict.parts,
      sentence: verdict.sentence,
      lines: verdict.lines,
    },
    tables: tables.map(([name]) => name),
    figures: figures.map((f) => f.name),
  };
  // Non-finite numbers (an epsilon of Infinity: no DP) as text, where JSON would write null.
  const json = JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2);
  files.push(['summary.json', `${json}\n`]);
  return { files, verdict, notes };
}
