import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: { source: string; version: string } | null | undefined;

function load(): { source: string; version: string } | null {
  if (cached !== undefined) return cached;
  try {
    const pkg = require.resolve('plotly.js-dist-min/package.json');
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    cached = { source: readFileSync(join(dirname(pkg), 'plotly.min.js'), 'utf8'), version };
  } catch {
    cached = null;
  }
  return cached;
}

/** Version of the installed offline plotly.js (`plotly.js-dist-min`), or undefined when it is not installed. */
export function plotlyJsVersion(): string | undefined {
  return load()?.version;
}

/**
 * HTML that loads plotly.js (sets `window.Plotly`): `inline` embeds the installed offline
 * bundle (~4.8 MB, works without network; falls back to `cdn` when it is not installed),
 * `cdn` references cdn.plot.ly.
 */
export function plotlyScriptHtml(mode: 'inline' | 'cdn'): string {
  const js = load();
  if (mode === 'inline' && js) {
    // The bundle contains no "</script"; escape it anyway should a version ever do.
    return `<script type="text/javascript">${js.source.replace(/<\/script/gi, '<\\/script')}</script>`;
  }
  const version = js?.version ?? '3.1.0';
  return `<script type="text/javascript" src="https://cdn.plot.ly/plotly-${version}.min.js" charset="utf-8"></script>`;
}
