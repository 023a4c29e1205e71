import { resolve } from 'node:path';
import { writeMemorizationReport } from '../report/write-memorization-report';
import { scoreNormalizations } from '../memorization/normalize-scores';
import { InputError } from '../util/errors';
import type { Command } from './command';

/** `sslmem report`: the memorization report of a scored run as one self-contained HTML page. */
export const reportCommand: Command = {
  summary: 'Write the memorization report of a scored run: one HTML page with the most and least memorized images.',
  help: {
    command: 'sslmem report',
    summary:
      'Reads the --out folder of `sslmem score` (config.json, scores.csv, summary.json), loads its dataset (an image folder from its decode cache) ' +
      'and writes one self-contained HTML page (no network: thumbnails as data URIs): the summary and t-tests, a score histogram per set, and the ' +
      'most and least memorized images of S_C (of every training point for an --all-points run) with score, class, id and file, sortable and filterable by class.',
    options: [
      { name: 'run', kind: 'string', valueName: 'DIR', description: 'The --out folder of sslmem score (required).' },
      { name: 'top', kind: 'integer', min: 1, default: 100, description: 'How many of the most (and of the least) memorized images to show.' },
      { name: 'normalization', kind: 'choice', choices: scoreNormalizations, defaultText: 'the one the run printed', description: 'Score to rank by.' },
      { name: 'html', kind: 'string', valueName: 'FILE', defaultText: 'DIR/report.html', description: 'Where to write the page.' },
    ],
    examples: ['sslmem score --data folder:photos --preset quick --out out/photos', 'sslmem report --run out/photos --top 50'],
  },
  async run({ values }, io) {
    const run = values.run;
    if (typeof run !== 'string') throw new InputError('option --run', 'the --out folder of sslmem score (--run DIR)', 'nothing');
    const file = await writeMemorizationReport(run, {
      top: values.top as number,
      ...(typeof values.normalization === 'string' ? { score: `score_${values.normalization}` } : {}),
      ...(typeof values.html === 'string' ? { file: values.html } : {}),
    });
    io.stdout.write(`Wrote the memorization report ${resolve(file)}\n`);
    return 0;
  },
};
