import { createHash } from 'node:crypto';
import type { FigurePngOptions } from '../plot/figure-png';
import type { PlotlyFigure } from '../plot/figure';
import { figureBundle } from './figure-bundle';
import type { BundleSink, MimeBundle } from './mime-bundle';
import { plotlyJsVersion, plotlyScriptHtml } from './plotly-js';
import { sendToKernel } from './tslab-kernel';

/** Options of `showFigure`. */
export interface ShowFigureOptions {
  /**
   * Static PNG beside the interactive figure (GitHub and untrusted notebooks show only
   * that); options size it. Default true (false when SSLMEM_FIGURE_PNG=0); skipped for
   * trace types `figurePng` cannot draw.
   */
  png?: boolean | FigurePngOptions;
  /**
   * How outputs get plotly.js: `none` (default: the output holds the figure JSON, which
   * JupyterLab with its Plotly extension and VS Code draw, and the static image everywhere
   * else; the HTML report loads plotly.js once beside its pages; the notebook stays small),
   * `once` (the offline bundle, 4.8 MB, goes into the first figure of the kernel session,
   * or wherever `setupPlotly()` was called: interactive in any Jupyter, for working
   * notebooks you do not commit), `always` (into every figure), `cdn` (a script tag per
   * figure, needs network).
   */
  plotlyJs?: 'once' | 'always' | 'cdn' | 'none';
  /** Where the bundle goes; the running tslab kernel by default. */
  send?: BundleSink;
}

/** Defaults of `showFigure`. */
export const defaultShowFigureOptions = { plotlyJs: 'none' } as const;

let plotlyLoaded = false;
let shown = 0;

function deliver(bundle: MimeBundle, send: BundleSink | undefined): boolean {
  if (send) {
    send(bundle);
    return true;
  }
  return sendToKernel(bundle);
}

/**
 * Shows a Plotly figure as one output (interactive HTML + Plotly JSON + static PNG + text;
 * see `figureBundle`). Outside a kernel it sends nothing. Returns nothing, so that tslab
 * does not print a value after the figure.
 * Element ids come from the figure and a per-session counter, so a re-run notebook gives
 * identical outputs.
 */
export function showFigure(fig: PlotlyFigure, options: ShowFigureOptions = {}): void {
  const o = { ...defaultShowFigureOptions, ...options };
  const png = o.png ?? process.env.SSLMEM_FIGURE_PNG !== '0';
  shown += 1;
  const id = `sslmem-figure-${createHash('sha256').update(`${shown}\n${JSON.stringify(fig)}`).digest('hex').slice(0, 12)}`;
  const inline = o.plotlyJs === 'always' || (o.plotlyJs === 'once' && !plotlyLoaded);
  const plotlyJs = inline ? 'inline' : o.plotlyJs === 'cdn' ? 'cdn' : 'none';
  const bundle = figureBundle(fig, { id, png, plotlyJs });
  if (deliver(bundle, o.send) && inline) plotlyLoaded = true;
}

/**
 * Loads the offline plotly.js (4.8 MB) into the notebook as its own output, so that every
 * later figure is interactive in any Jupyter front end (its HTML draws with it). For
 * working notebooks: a committed notebook with it is over 5 MB. Re-running the cell re-sends it.
 */
export function setupPlotly(options: { send?: BundleSink } = {}): void {
  const bundle: MimeBundle = {
    'text/html': plotlyScriptHtml('inline'),
    'text/plain': `plotly.js ${plotlyJsVersion() ?? '(from cdn.plot.ly)'}`,
  };
  if (deliver(bundle, options.send)) plotlyLoaded = true;
}
