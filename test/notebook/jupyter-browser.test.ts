import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';

// A real browser against `sslmem jupyter` (the classic Notebook, which every Debian machine
// has): notebook 02 at the quick preset runs top to bottom with no error, and interrupting
// a long training ends its cell within seconds, with one line, no worker left, and nothing
// printed afterwards. Screenshots go to $SSLMEM_SCREENSHOTS (default: a temporary folder).

// Names of the page, for the functions that run inside it (page.evaluate); this file compiles without the DOM library.
declare const window: any;
declare const document: any;

const notebookName = '02-candidates-vs-shared.ipynb';
const chromium = [process.env.PUPPETEER_EXECUTABLE_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const hasClassic = spawnSync('bash', ['scripts/python-with.sh', 'notebook'], { encoding: 'utf8' }).status === 0;
const missing = [
  chromium ? '' : 'chromium (apt install chromium)',
  hasClassic ? '' : 'the classic Notebook (apt install jupyter-notebook)',
  existsSync('dist/cli/main.js') ? '' : 'dist/ (npm run build)',
].filter((s) => s !== '');
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false> | T | undefined | false, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Threads of a process (Linux). */
const threadCount = (pid: number) => readdirSync(`/proc/${pid}/task`).length;
/** CPU seconds a process has used (Linux, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface CellState {
  count: number | null | string;
  running: boolean;
  /** The reply came (a number in the prompt) and the kernel's idle for the request too: on the
   *  iopub channel the idle follows every output of the request, while the reply travels on the
   *  shell channel and can overtake the last outputs. */
  done: boolean;
  outputs: Array<{ output_type: string; name?: string; text?: string; data?: Record<string, unknown>; ename?: string; evalue?: string }>;
}

/** Records, in the page, each request whose iopub idle has arrived (call once the notebook is open). */
function watchIdle(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { Jupyter: any; sslmemIdle?: Set<string> };
    if (w.sslmemIdle) return;
    const idle = new Set<string>();
    w.sslmemIdle = idle;
    w.Jupyter.notebook.events.on('finished_iopub.Kernel', (_e: unknown, d: { msg_id: string }) => idle.add(d.msg_id));
  });
}

/** Code cells of the open notebook: prompt number, whether running, whether done, outputs (nbformat JSON). */
function codeCells(page: Page): Promise<CellState[]> {
  return page.evaluate(() => {
    const w = window as unknown as { Jupyter: any; sslmemIdle?: Set<string> };
    return w.Jupyter.notebook
      .get_cells()
      .filter((c: any) => c.cell_type === 'code')
      .map((c: any) => ({
        count: c.input_prompt_number ?? null,
        running: c.input_prompt_number === '*',
        done: typeof c.input_prompt_number === 'number' && c.last_msg_id != null && w.sslmemIdle?.has(c.last_msg_id) === true,
        outputs: c.output_area.toJSON(),
      }));
  });
}

const streamText = (cell: CellState, name?: string) =>
  cell.outputs
    .filter((o) => o.output_type === 'stream' && (name === undefined || o.name === name))
    .map((o) => o.text ?? '')
    .join('');

describe('Jupyter in a real browser (sslmem jupyter, classic Notebook, headless Chromium)', { skip }, () => {
  const root = resolve('.');
  const shots = process.env.SSLMEM_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'sslmem-shots-'));
  const runs = mkdtempSync(join(tmpdir(), 'sslmem-browser-runs-'));
  const token = randomBytes(12).toString('hex');
  const notebookPath = join(root, 'notebooks', notebookName);
  const notebookHash = createHash('sha256').update(readFileSync(notebookPath)).digest('hex');
  const checkpoints = join(root, 'notebooks', '.ipynb_checkpoints'); // Jupyter's copy on opening
  const hadCheckpoints = existsSync(checkpoints);
  const consoleErrors: string[] = [];
  let port = 0;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let browser: Browser | undefined;
  let page: Page;
  let kernelPid = 0;

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { Authorization: `token ${token}`, ...(init.headers ?? {}) } });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status}`);
    return res.json() as Promise<any>;
  };
  const shot = async (name: string) => {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, name), fullPage: false });
  };

  before(async () => {
    port = await freePort();
    server = spawn(process.execPath, ['dist/cli/main.js', 'jupyter', '--preset', 'quick', '--port', String(port), '--token', token, '--front-end', 'classic', '--no-install'], {
      env: { ...process.env, SSLMEM_RUNS: runs },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stdout!.on('data', (d) => (serverLog += d));
    server.stderr!.on('data', (d) => (serverLog += d));
    await until('the server', 120_000, async () => {
      if (server!.exitCode !== null) throw new Error(`sslmem jupyter exited with ${server!.exitCode}:\n${serverLog}`);
      return api('/api/status').then(() => true, () => false);
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (server?.pid !== undefined && server.exitCode === null) {
      process.kill(-server.pid, 'SIGTERM');
      await until('the server to stop', 30_000, () => server!.exitCode !== null || server!.signalCode !== null).catch(() => process.kill(-server!.pid!, 'SIGKILL'));
    }
    rmSync(runs, { recursive: true, force: true });
    if (!hadCheckpoints) rmSync(checkpoints, { recursive: true, force: true });
    console.log(`screenshots: ${shots}`);
  });

  test('the server lists the TypeScript kernel and prints how it was started', async () => {
    const specs = await api('/api/kernelspecs');
    assert.equal(specs.kernelspecs.tslab?.spec?.display_name, 'TypeScript', JSON.stringify(Object.keys(specs.kernelspecs)));
    assert.match(serverLog, /front end: classic Jupyter Notebook/);
    assert.match(serverLog, new RegExp(`open http://127\\.0\\.0\\.1:${port}/tree\\?token=${token}`));
    assert.match(serverLog, /preset: quick/);
  });

  test(`${notebookName} at the quick preset: Run All, every cell ran, no error, figures shown`, { timeout: 20 * 60_000 }, async () => {
    const puppeteer = await import('puppeteer-core');
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    // The classic Notebook (6.x) always tries to load the ipywidgets extension and logs a 404
    // where ipywidgets is not installed; that one is the front end's, not ours.
    const widgetsProbe = /nbextensions\/widgets\/notebook\/js\/extension\.js/;
    page.on('console', (m) => {
      if (m.type() === 'error' && !widgetsProbe.test(`${m.location().url ?? ''} ${m.text()}`)) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/notebooks/${notebookName}?token=${token}`, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.() === true, { timeout: 120_000 });
    const kernel = await page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      nb.set_autosave_interval(0); // never write the committed notebook
      return { name: nb.kernel.name, id: nb.kernel.id };
    });
    assert.equal(kernel.name, 'tslab', 'the notebook opens with the TypeScript kernel by itself');
    kernelPid = await until('the kernel process', 30_000, () => {
      const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
      const line = ps.split('\n').find((l) => l.includes(`kernel-${kernel.id}.json`) && l.includes('tslab'));
      return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
    });

    await watchIdle(page);
    const started = Date.now();
    await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
    const cells = await until('Run All to finish', 18 * 60_000, async () => {
      const all = await codeCells(page);
      return all.every((c) => c.done) ? all : undefined;
    }, 1000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`Run All of ${notebookName} at the quick preset: ${seconds.toFixed(1)} s`);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await shot('01-run-all.png');

    cells.forEach((c, i) => {
      assert.ok(!c.outputs.some((o) => o.output_type === 'error'), `code cell ${i}: ${JSON.stringify(c.outputs.find((o) => o.output_type === 'error'))}`);
      assert.doesNotMatch(streamText(c, 'stderr'), /Error|UnhandledPromiseRejection|UncaughtException/, `code cell ${i} wrote an error`);
    });
    assert.match(streamText(cells[0]!), /preset quick/);
    assert.match(streamText(cells[cells.length - 1]!), /The claim (holds|is not confirmed)/);
    const figures = cells.flatMap((c) => c.outputs).filter((o) => o.data?.['image/png'] !== undefined && o.data?.['application/vnd.plotly.v1+json'] !== undefined);
    assert.equal(figures.length, 3, 'three figures (histogram, box, scatter)');
    const shown = await page.evaluate(() => [...document.querySelectorAll('.output_area img')].filter((img: any) => img.naturalWidth > 100).length);
    assert.ok(shown >= 3, `${shown} figure images drawn in the page`);
    assert.deepEqual(consoleErrors, [], 'no error in the browser console');
  });

  test('interrupting a long training ends the cell within seconds with one line; no worker, no late output', { timeout: 10 * 60_000 }, async () => {
    assert.ok(kernelPid > 0, 'Run All opened the notebook');
    const idleThreads = threadCount(kernelPid);
    const source = [
      '// a what-if run far longer than anyone waits for',
      "const long = sslmem.withOverrides(settings.config, { train: { epochs: 3000 }, split: { seed: 11 } });",
      'const longProgress = sslmem.trainingProgress(long);',
      'await sslmem.trainMissingEncoders(long, { onEpoch: longProgress.onEpoch });',
      'longProgress.finish();',
    ].join('\n');
    const index = await page.evaluate((text) => {
      const nb = (window as any).Jupyter.notebook;
      const cell = nb.insert_cell_at_bottom('code');
      cell.set_text(text);
      cell.execute();
      return nb.get_cells().filter((c: any) => c.cell_type === 'code').length - 1;
    }, source);
    // Both encoders (f and g) past their checkpoint of epoch 20 (the quick preset keeps 10 and 20).
    const checkpointsOf20 = () => {
      const dir = join(runs, 'encoder');
      if (!existsSync(dir)) return 0;
      return readdirSync(dir).filter((d) => d.endsWith('.work') && existsSync(join(dir, d, 'epoch-0020.safetensors'))).length;
    };
    await until('both trainings past their checkpoint of epoch 20', 5 * 60_000, () => checkpointsOf20() === 2, 250);
    const busyThreads = threadCount(kernelPid);
    assert.ok(busyThreads > idleThreads, `training runs in worker threads (${busyThreads} threads, ${idleThreads} when idle)`);
    await page.evaluate(() => document.querySelector('.cell:last-child')?.scrollIntoView());
    await shot('02-training.png');

    const t0 = Date.now();
    await page.click('button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]');
    const cell = await until('the interrupted cell to end', 30_000, async () => {
      const c = (await codeCells(page))[index]!;
      return c.done && /interrupted:/.test(streamText(c, 'stderr')) ? c : undefined;
    }, 100);
    const ended = (Date.now() - t0) / 1000;
    console.log(`interrupt: the cell ended ${ended.toFixed(2)} s after the click`);
    assert.ok(ended < 10, `the cell ended ${ended} s after the interrupt`);
    const errText = streamText(cell, 'stderr');
    assert.match(errText.trim(), /^interrupted: 0 of 2 encoders stored, the rest resume from epoch 20$/, 'one line: what is kept');
    assert.doesNotMatch(JSON.stringify(cell.outputs), /Interrupted asynchronously|Socket is closed/);

    const threads = await until('the workers to end', 10_000, () => (threadCount(kernelPid) <= idleThreads ? threadCount(kernelPid) : undefined), 100);
    const cpu0 = cpuSeconds(kernelPid);
    await sleep(3000);
    const cpu = cpuSeconds(kernelPid) - cpu0;
    console.log(`after the interrupt: ${threads} kernel threads (${idleThreads} before the training, ${busyThreads} during it), ${cpu.toFixed(2)} CPU s in 3 s`);
    assert.ok(cpu < 0.5, `the kernel is idle after the interrupt (${cpu} CPU s in 3 s)`);
    assert.equal(checkpointsOf20(), 2, 'each interrupted training kept its checkpoint of epoch 20');

    const next = await page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      const c = nb.insert_cell_at_bottom('code');
      c.set_text("console.log('after the interrupt');");
      c.execute();
      return nb.get_cells().filter((x: any) => x.cell_type === 'code').length - 1;
    });
    const nextCell = await until('the next cell', 30_000, async () => {
      const c = (await codeCells(page))[next]!;
      return c.done ? c : undefined;
    });
    assert.deepEqual(nextCell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'after the interrupt\n' }], 'the next cell shows only its own output');
    assert.deepEqual((await codeCells(page))[index]!.outputs, cell.outputs, 'nothing printed into the interrupted cell afterwards');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await shot('03-interrupted.png');
    assert.deepEqual(consoleErrors, [], 'no error in the browser console');
  });

  test('restarting the kernel during a training leaves no crash and a working kernel', { timeout: 5 * 60_000 }, async () => {
    assert.ok(kernelPid > 0, 'Run All opened the notebook');
    const index = await page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      const cells = nb.get_cells().filter((c: any) => c.cell_type === 'code');
      const cell = cells[cells.length - 2]; // the long training: resumes from epoch 20
      cell.execute();
      return cells.length - 2;
    });
    await until('training to resume', 3 * 60_000, async () => /\] \d+\/\d+/.test(streamText((await codeCells(page))[index]!, 'stdout')), 500);
    const oldPid = kernelPid;
    await page.evaluate(() => (window as any).Jupyter.notebook.kernel.restart());
    await until('the old kernel process to exit', 30_000, () => !existsSync(`/proc/${oldPid}`) || readFileSync(`/proc/${oldPid}/stat`, 'utf8').includes(') Z '));
    await page.waitForFunction(() => (window as any).Jupyter.notebook.kernel.is_connected() && (window as any).Jupyter.notebook.kernel_busy === false, { timeout: 60_000 });
    const next = await page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      const c = nb.insert_cell_at_bottom('code');
      c.set_text("console.log('restarted', 1 + 1);");
      c.execute();
      return nb.get_cells().filter((x: any) => x.cell_type === 'code').length - 1;
    });
    const cell = await until('a cell in the new kernel', 60_000, async () => {
      const c = (await codeCells(page))[next]!;
      return c.done ? c : undefined;
    });
    assert.deepEqual(cell.outputs, [{ output_type: 'stream', name: 'stdout', text: 'restarted 2\n' }]);
    assert.doesNotMatch(serverLog, /Socket is closed|EBADF|UncaughtException|UnhandledPromiseRejection/, 'the old kernel died quietly');
    assert.equal(createHash('sha256').update(readFileSync(notebookPath)).digest('hex'), notebookHash, `${notebookName} on disk is unchanged`);
    await shot('04-restarted.png');
  });
});
