import { memorizationReport } from '../report/write-memorization-report';
import type { MemorizationReportOptions } from '../report/memorization-report-html';
import type { RunOutput } from '../report/run-output';
import type { BundleSink, MimeBundle } from './mime-bundle';
import { sendToKernel } from './tslab-kernel';

/** Options of `showMemorizationReport`: the report's (`top` default 12 here) plus where to send. */
export interface ShowMemorizationReportOptions extends MemorizationReportOptions {
  /** Height of the frame in the notebook, in CSS pixels. Default 600. */
  height?: number;
  send?: BundleSink;
}

/** The memorization report of a run as a MIME bundle: the page in a frame (`srcdoc`) and a `text/plain` line. */
export async function memorizationReportBundle(runDir: string | RunOutput, options: ShowMemorizationReportOptions = {}): Promise<MimeBundle> {
  const { send: _send, height = 600, ...reportOptions } = options;
  const html = await memorizationReport(runDir, { top: 12, ...reportOptions });
  const srcdoc = html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return {
    'text/html': `<iframe title="memorization report" style="width:100%;height:${height}px;border:1px solid #ccc" srcdoc="${srcdoc}"></iframe>`,
    'text/plain': `memorization report of ${typeof runDir === 'string' ? runDir : runDir.dir}: the ${reportOptions.top ?? 12} most and least memorized images (sslmem report --run DIR writes it as a page)`,
  };
}

/**
 * Shows the memorization report of a scored run (`sslmem score --out DIR`, or a run in
 * memory: `runOutputOf(config, scores)`) in the notebook: the most and least memorized images with their
 * scores, sortable and filterable by class. Outside a kernel it sends nothing.
 */
export async function showMemorizationReport(runDir: string | RunOutput, options: ShowMemorizationReportOptions = {}): Promise<void> {
  const bundle = await memorizationReportBundle(runDir, options);
  if (options.send) options.send(bundle);
  else sendToKernel(bundle);
}
