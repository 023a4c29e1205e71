#!/usr/bin/env node
// Opens every page of an HTML report (reports/html/*.html by default) in headless Chromium
// and checks that each figure was drawn by plotly.js (its div became a Plotly plot with an
// SVG), not left at its static image: the report must work offline with the plotly.min.js
// beside its pages. Prints one line per page; exits 1 if a figure was not drawn, 2 when no
// Chromium is found (CHROMIUM names one).
// usage: node scripts/check-report.mjs [DIR] [--screenshot OUT_DIR]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const shotAt = args.indexOf('--screenshot');
const shots = shotAt >= 0 ? resolve(args.splice(shotAt, 2)[1]) : undefined;
const dir = resolve(args[0] ?? 'reports/html');
const browser = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].find(
  (b) => b && spawnSync(b, ['--version'], { stdio: 'ignore' }).status === 0,
);
if (!browser) {
  console.error('check-report: no Chromium found (apt-get install chromium, or CHROMIUM=/path/to/chrome)');
  process.exit(2);
}
const pages = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
let failed = 0;
for (const page of pages) {
  const profile = mkdtempSync(join(tmpdir(), 'sslmem-chromium-'));
  const common = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', `--user-data-dir=${profile}`, '--virtual-time-budget=20000'];
  const url = `file://${join(dir, page)}`;
  const r = spawnSync(browser, [...common, '--dump-dom', url], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, timeout: 120_000 });
  if (shots) spawnSync(browser, [...common, '--window-size=1200,2400', `--screenshot=${join(shots, page.replace(/\.html$/, '.png'))}`, url], { stdio: 'ignore', timeout: 120_000 });
  rmSync(profile, { recursive: true, force: true });
  const figures = [...(r.stdout ?? '').matchAll(/<div id="sslmem-figure-[^"]*" class="([^"]*)"/g)].map((m) => m[1]);
  const drawn = figures.filter((c) => c.includes('js-plotly-plot')).length;
  const ok = r.status === 0 && drawn === figures.length;
  if (!ok) failed++;
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${page}: ${drawn} of ${figures.length} figure(s) drawn by plotly.js${r.status === 0 ? '' : ` (chromium exited ${r.status})`}`);
}
process.exit(failed === 0 ? 0 : 1);
