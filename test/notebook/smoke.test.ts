import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs notebooks headless through scripts/run-notebook.py (nbclient + the project's tslab
// kernel). Needs `bash scripts/setup-jupyter.sh` (CI runs it) and `npm run build` (npm test does).

const python = (() => {
  const r = spawnSync('bash', ['scripts/python-with.sh', 'nbclient', 'nbformat'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();
const skip = python ? false : 'no Python can import nbclient: run `bash scripts/setup-jupyter.sh` to install Jupyter';
const work = mkdtempSync(join(tmpdir(), 'sslmem-nb-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }
interface Cell { id?: string; cell_type: string; source: string | string[]; outputs?: Output[]; metadata: Record<string, unknown> }
interface Notebook { cells: Cell[]; metadata: Record<string, unknown> }

function run(input: string, output: string, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(python!, ['scripts/run-notebook.py', input, output, '--quiet', '--cell-timeout', '120', ...args], {
    encoding: 'utf8',
    timeout: 170_000,
  });
  return { status: r.status, stderr: r.stderr };
}

function notebook(cells: string[]): Notebook {
  return {
    cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, outputs: [], metadata: {}, execution_count: null })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  } as Notebook;
}

const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : t ?? '');
const stream = (cell: Cell, name: string): string => text((cell.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === name).map((o) => text(o.text)));
/** Display outputs of a cell; nbformat stores multi-line strings as lists of lines, joined here. */
const displays = (cell: Cell): Record<string, unknown>[] =>
  (cell.outputs ?? [])
    .filter((o) => o.output_type === 'display_data')
    .map((o) => Object.fromEntries(Object.entries(o.data!).map(([k, v]) => [k, typeof v === 'string' || Array.isArray(v) ? text(v as string[]) : v])));

describe('scripts/run-notebook.py', { skip, timeout: 300_000 }, () => {
  test('notebooks/smoke.ipynb runs and has its outputs', () => {
    assert.ok(existsSync('dist/notebook/index.js') && existsSync('dist/plot/index.js'), 'dist/ is missing: run `npm run build` first');
    assert.ok(existsSync('.jupyter/share/jupyter/kernels/tslab/kernel.json'), 'the tslab kernel is not registered: run `bash scripts/setup-jupyter.sh`');
    const out = join(work, 'smoke.ipynb');
    const r = run('notebooks/smoke.ipynb', out, '--preset', 'quick');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /run-notebook: ok: notebooks\/smoke\.ipynb/);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    const cell = (id: string): Cell => nb.cells.find((c) => c.id === id)!;
    assert.deepEqual(nb.metadata.sslmem, { preset: 'quick' });
    assert.equal(stream(cell('imports'), 'stdout'), 'preset quick\n');
    const [table] = displays(cell('rng'));
    assert.match(table!['text/html'] as string, /<table>.*<th[^>]*>score<\/th>/s);
    const [figure] = displays(cell('figure'));
    const plotly = figure!['application/vnd.plotly.v1+json'] as { data: { type: string; name: string }[] };
    assert.deepEqual(plotly.data.map((t) => [t.type, t.name]), [['histogram', 'extra'], ['histogram', 'candidate']]);
    assert.match(figure!['text/html'] as string, /Plotly\.newPlot/);
    assert.ok((figure!['image/png'] as string).length > 1000);
    assert.equal(stream(cell('figure'), 'stdout'), '', 'show* return nothing for tslab to print');
    const [grid] = displays(cell('grid'));
    assert.ok(Buffer.from(grid!['image/png'] as string, 'base64').subarray(1, 4).toString() === 'PNG');
    assert.equal(stream(cell('progress'), 'stdout'), `steps [${'#'.repeat(30)}] 5/5 done\n`, 'headless bar: final line only');
    for (const c of nb.cells) assert.equal(c.metadata.execution, undefined, 'no timestamps');
  });

  test('a failing cell: exit 1, the cell and its error on stderr, later cells not run, output written', () => {
    const input = join(work, 'fail.ipynb');
    writeFileSync(input, JSON.stringify(notebook(['console.log("first")', 'const answer = 41;\nthrow new Error("boom in cell " + (answer + 1));', 'console.log("never")'])));
    const out = join(work, 'fail-out.ipynb');
    const r = run(input, out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cell 1 failed:\n {4}const answer = 41;/);
    assert.match(r.stderr, /Error: boom in cell 42/);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    assert.equal(stream(nb.cells[0]!, 'stdout'), 'first\n');
    assert.match(stream(nb.cells[1]!, 'stderr'), /boom in cell 42/);
    assert.deepEqual(nb.cells[2]!.outputs, []);
  });

  test('an unhandled rejection (which tslab reports as success) fails the run', () => {
    const input = join(work, 'reject.ipynb');
    writeFileSync(input, JSON.stringify(notebook(['console.log("first")', 'Promise.reject(new Error("lost promise"));'])));
    const out = join(work, 'reject-out.ipynb');
    const r = run(input, out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cell 1 printed an unhandled rejection or exception/);
    assert.match(r.stderr, /UnhandledPromiseRejection: Error: lost promise/);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    assert.match(stream(nb.cells[1]!, 'stderr'), /UnhandledPromiseRejection: Error: lost promise/, 'kept in the cell that caused it');
  });

  test('a long cell: the runner prints the running cell, its time and the progress bar\'s line with ETA while it runs', () => {
    const input = join(work, 'slow.ipynb');
    const cells = [
      `const nb = require(${JSON.stringify(join(process.cwd(), 'dist', 'notebook', 'index.js'))});`,
      'const bar = nb.progressBar(40, { label: "train", minIntervalMs: 50 });\nfor (let i = 1; i <= 40; i++) { await new Promise((r) => setTimeout(r, 100)); bar.update(i, `epoch ${i}`); }\nbar.finish("done");',
    ];
    writeFileSync(input, JSON.stringify(notebook(cells)));
    const out = join(work, 'slow-out.ipynb');
    const r = run(input, out, '--progress-every', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /run-notebook: slow\.ipynb: cell 1 running for \d+s \(notebook \d+s\): train \[#*\.*\] \d+\/40 [\d.]+s eta [\d.]+s epoch \d+/);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    assert.equal(stream(nb.cells[1]!, 'stdout'), `train [${'#'.repeat(30)}] 40/40 done\n`, 'the notebook keeps one line without timings');
  });
});
