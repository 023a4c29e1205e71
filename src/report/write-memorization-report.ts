import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetRequest, experimentDataset } from '../design/experiment-data';
import { InputError } from '../util/errors';
import { memorizationReportHtml, type MemorizationReportOptions } from './memorization-report-html';
import { readRunOutput, type RunOutput } from './run-output';

/** Options of `memorizationReport` and `writeMemorizationReport`. */
export interface WriteMemorizationReportOptions extends MemorizationReportOptions {
  /** Where `writeMemorizationReport` writes the page. Default `<run>/report.html`. */
  file?: string;
}

/**
 * The memorization report (`memorizationReportHtml`) of the `sslmem score` output folder
 * `runDir` (or of a run in memory, `runOutputOf`), its dataset loaded as the run's config
 * says (an image folder from its decode cache).
 */
export async function memorizationReport(runDir: string | RunOutput, options: MemorizationReportOptions = {}): Promise<string> {
  const run = typeof runDir === 'string' ? readRunOutput(runDir) : runDir;
  const pair = await experimentDataset(datasetRequest(run.config));
  for (const r of run.rows) {
    const n = (r.set === 'S_E' ? pair.test : pair.train).labels.length;
    if (!(Number.isInteger(r.id) && r.id >= 0 && r.id < n)) {
      throw new InputError(`${join(run.dir, 'scores.csv')} id ${r.id} (${r.set})`, `an id below ${n}, the images of the dataset now`, 'an id beyond them: the dataset changed since the run');
    }
  }
  return memorizationReportHtml(run, pair, options);
}

/** Writes the memorization report of `runDir` (default `<runDir>/report.html`) and returns its path. */
export async function writeMemorizationReport(runDir: string | RunOutput, options: WriteMemorizationReportOptions = {}): Promise<string> {
  const html = await memorizationReport(runDir, options);
  const file = options.file ?? join(typeof runDir === 'string' ? runDir : runDir.dir, 'report.html');
  writeFileSync(file, html);
  return file;
}
