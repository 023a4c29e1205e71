#!/usr/bin/env node
// Reproduces the paper's findings: runs every notebooks/NN-*.ipynb headless (or the
// notebooks named on the command line) with a preset, then writes into reports/
//   notebooks/<name>.ipynb  the executed notebooks (also when a cell failed),
//   html/<name>.html        each one as HTML with its figures (nbconvert; interactive with
//                           html/plotly.min.js, the offline plotly.js copied beside them),
//   logs/<name>.log         the runner's messages,
//   index.html              a page linking them, with status and time of each.
// usage: node scripts/reproduce.mjs [--preset quick|laptop|paper] [--cell-timeout S]
//                                   [--timeout S] [--out DIR] [notebook.ipynb ...]
// Needs Jupyter and the tslab kernel (bash scripts/setup-jupyter.sh) and a built library
// (npm run build). Exits 1 when any notebook failed. Runs share the run cache in runs/
// (SSLMEM_RUNS) at the project root, so a second reproduce reuses trained encoders.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const preset = option('preset', process.env.SSLMEM_PRESET || 'laptop');
const cellTimeout = option('cell-timeout', '7200');
const timeout = option('timeout', String(12 * 3600));
const outDir = resolve(option('out', join(root, 'reports')));
if (!['quick', 'laptop', 'paper'].includes(preset)) fail(`--preset must be quick, laptop or paper, not ${preset}`);
const unknown = args.filter((a) => a.startsWith('--'));
if (unknown.length) fail(`unknown option ${unknown.join(' ')}`);

const notebooks = args.length
  ? args.map((a) => resolve(a))
  : readdirSync(join(root, 'notebooks')).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => join(root, 'notebooks', f));
if (notebooks.length === 0) fail('no notebooks/NN-*.ipynb yet; name notebooks to run, e.g. notebooks/smoke.ipynb');
for (const nb of notebooks) if (!existsSync(nb)) fail(`no such notebook: ${nb}`);

const found = spawnSync('bash', [join(root, 'scripts/python-with.sh'), 'nbclient', 'nbformat'], { encoding: 'utf8' });
if (found.status !== 0) fail(`${found.stderr.trim()}`);
const python = found.stdout.trim();
const canConvert = spawnSync(python, ['-c', 'import nbconvert'], { stdio: 'ignore' }).status === 0;
if (!existsSync(join(root, 'dist/index.js'))) console.error('reproduce: dist/ is missing; notebooks import the built library: run `npm run build`');

for (const sub of ['notebooks', 'html', 'logs']) mkdirSync(join(outDir, sub), { recursive: true });
const plotly = plotlyBesidePages(join(outDir, 'html'));
const env = { ...process.env, SSLMEM_PRESET: preset, SSLMEM_RUNS: process.env.SSLMEM_RUNS || join(root, 'runs') };
console.log(`reproduce: ${notebooks.length} notebook(s), preset ${preset}, python ${python}`);

const results = [];
const started = Date.now();
for (const nb of notebooks) {
  const name = basename(nb, '.ipynb');
  const executed = join(outDir, 'notebooks', `${name}.ipynb`);
  const log = join(outDir, 'logs', `${name}.log`);
  console.log(`\n== ${relative(root, nb)}`);
  const t0 = Date.now();
  const code = await runLogged(python, [join(root, 'scripts/run-notebook.py'), nb, executed, '--preset', preset,
    '--cell-timeout', cellTimeout, '--timeout', timeout], log);
  const seconds = (Date.now() - t0) / 1000;
  let html;
  if (canConvert && existsSync(executed)) {
    const r = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', '--output-dir', join(outDir, 'html'), executed], { encoding: 'utf8' });
    if (r.status === 0) {
      html = join(outDir, 'html', `${name}.html`);
      if (plotly) loadPlotlyIn(html);
    } else console.error(`reproduce: nbconvert failed for ${name}:\n${r.stderr}`);
  }
  results.push({ name, ok: code === 0, seconds, executed, html, log });
  console.log(`== ${name}: ${code === 0 ? 'ok' : 'FAILED'} in ${formatSeconds(seconds)}`);
}

writeFileSync(join(outDir, 'index.html'), indexPage(results));
console.log(`\nreproduce: ${results.filter((r) => r.ok).length}/${results.length} ok in ${formatSeconds((Date.now() - started) / 1000)} (preset ${preset})`);
for (const r of results) console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${formatSeconds(r.seconds).padStart(8)}  ${relative(process.cwd(), r.html ?? r.executed)}`);
console.log(`report: ${relative(process.cwd(), join(outDir, 'index.html'))}`);
if (!canConvert) console.log('(no HTML: nbconvert is not installed for that Python; the executed notebooks are there)');
process.exit(results.every((r) => r.ok) ? 0 : 1);

/**
 * Copies the offline plotly.js (npm package plotly.js-dist-min) into the HTML folder once,
 * so that every page draws its figures interactively without network; false when the
 * package is not installed (pages then show the figures' static images).
 */
function plotlyBesidePages(dir) {
  try {
    const file = createRequire(join(root, 'package.json')).resolve('plotly.js-dist-min/plotly.min.js');
    copyFileSync(file, join(dir, 'plotly.min.js'));
    return true;
  } catch {
    console.error('reproduce: plotly.js-dist-min is not installed; the HTML pages show static images only');
    return false;
  }
}

/** Makes a page load plotly.min.js from beside it (the figures' own scripts wait for it). */
function loadPlotlyIn(page) {
  const text = readFileSync(page, 'utf8');
  const tag = '<script src="plotly.min.js" charset="utf-8"></script>';
  if (!text.includes(tag)) writeFileSync(page, text.replace(/<head>/i, (h) => `${h}\n${tag}`));
}

/** Runs a command, streaming its stderr/stdout to the console and to `logFile`; resolves to its exit code. */
function runLogged(command, argv, logFile) {
  return new Promise((resolvePromise) => {
    const log = createWriteStream(logFile);
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      from.on('data', (d) => { to.write(d); log.write(d); });
    }
    child.on('close', (code) => log.end(() => resolvePromise(code ?? 1)));
  });
}

function indexPage(rows) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const link = (file, text) => (file ? `<a href="${esc(relative(outDir, file).split('\\').join('/'))}">${esc(text)}</a>` : '');
  const body = rows.map((r) => `<tr><td>${link(r.html ?? r.executed, r.name)}</td><td class="${r.ok ? 'ok' : 'failed'}">${r.ok ? 'ok' : 'failed'}</td>`
    + `<td>${formatSeconds(r.seconds)}</td><td>${link(r.executed, 'ipynb')} ${link(r.log, 'log')}</td></tr>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>sslmem: reproduced findings</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em 1em;text-align:left}.ok{color:#080}.failed{color:#c00;font-weight:bold}</style>
</head><body>
<h1>sslmem: reproduced findings</h1>
<p>Preset <b>${esc(preset)}</b>, ${rows.filter((r) => r.ok).length} of ${rows.length} notebooks ok, ${esc(new Date().toISOString())}.</p>
<table><tr><th>notebook</th><th>status</th><th>time</th><th>files</th></tr>
${body}
</table></body></html>
`;
}

function formatSeconds(s) {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function fail(message) {
  console.error(`reproduce: ${message}`);
  process.exit(2);
}
