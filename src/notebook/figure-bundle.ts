import { createHash } from 'node:crypto';
import { canRenderPng, figurePng, type FigurePngOptions } from '../plot/figure-png';
import type { PlotlyFigure } from '../plot/figure';
import { toBase64, type MimeBundle } from './mime-bundle';
import { plotlyScriptHtml } from './plotly-js';

/** Options of `figureBundle`. */
export interface FigureBundleOptions {
  /** Id of the HTML element; derived from the figure by default (stable across runs). */
  id?: string;
  /** Add a static PNG (`image/png`, and as the HTML's content until plotly.js draws); options size it. Default true where `canRenderPng`. */
  png?: boolean | FigurePngOptions;
  /** Load plotly.js in this output: `inline` (offline bundle), `cdn`, or `none` (already loaded). Default `none`. */
  plotlyJs?: 'inline' | 'cdn' | 'none';
}

/** Defaults of `figureBundle`. */
export const defaultFigureBundleOptions = { png: true, plotlyJs: 'none' } as const;

/**
 * One MIME bundle that shows `fig` everywhere: `application/vnd.plotly.v1+json` (the
 * figure object, numbers to 4 significant digits, for JupyterLab/VS Code renderers), `text/html` (a div drawn by plotly.js,
 * holding the static PNG until then, so exported HTML and untrusted views still show a
 * picture), `image/png` (GitHub) and `text/plain` (a one-line summary).
 */
export function figureBundle(fig: PlotlyFigure, options: FigureBundleOptions = {}): MimeBundle {
  const o = { ...defaultFigureBundleOptions, ...options };
  // Four significant digits are more than a figure can show, and keep notebooks small.
  const json = JSON.stringify(fig, (_, v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v));
  const id = o.id ?? `sslmem-figure-${createHash('sha256').update(json).digest('hex').slice(0, 12)}`;
  const png = o.png !== false && canRenderPng(fig) ? figurePng(fig, o.png === true ? {} : o.png) : undefined;
  const bundle: MimeBundle = {
    'application/vnd.plotly.v1+json': JSON.parse(json) as unknown,
    'text/html': (o.plotlyJs === 'none' ? '' : plotlyScriptHtml(o.plotlyJs)) + figureHtml(json, id, png, fig.layout.height),
    'text/plain': figureSummary(fig),
  };
  if (png) bundle['image/png'] = toBase64(png);
  return bundle;
}

/** One line describing a figure: its title and traces. */
export function figureSummary(fig: PlotlyFigure): string {
  const title = fig.layout.title?.text;
  const traces = fig.data.map((t) => `${t.type}${t.name ? ` "${t.name}"` : ''}`).join(', ');
  return `Plotly figure${title ? ` "${title}"` : ''}: ${fig.data.length} trace(s): ${traces}`;
}

/** A div with the PNG as placeholder and a script that draws the figure once plotly.js is there. */
function figureHtml(json: string, id: string, png: Uint8Array | undefined, height: unknown): string {
  const safeJson = json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const minHeight = typeof height === 'number' ? `min-height:${height}px;` : '';
  const placeholder = png
    ? `<img src="data:image/png;base64,${toBase64(png)}" alt="figure (static image; plotly.js draws the interactive one)"/>`
    : '<em>Interactive Plotly figure: needs JavaScript (trusted notebook) to show.</em>';
  return `<div id="${id}" class="sslmem-figure" style="width:100%;${minHeight}">${placeholder}</div>
<script type="text/javascript">
(function () {
  var fig = ${safeJson};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${JSON.stringify(id)});
    if (!el) return;
    if (!window.Plotly) { if (++tries < 600) setTimeout(draw, 100); return; }
    el.innerHTML = '';
    window.Plotly.newPlot(el, fig.data, fig.layout, Object.assign({ responsive: true }, fig.config || {}));
  }
  draw();
})();
</script>`;
}
