import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { writeMemorizationReport } from '../../src/report/write-memorization-report';
import { makeRunOutput } from './make-run-output';

// The report page in a real browser (headless Chromium, no network): every thumbnail loads,
// a click on the score header sorts the table, the class menu filters it. A screenshot goes
// to $SSLMEM_SCREENSHOTS when set.

declare const document: any;

const chromium = [process.env.PUPPETEER_EXECUTABLE_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));

describe('memorization report in headless Chromium', { skip: chromium ? false : 'needs chromium (apt install chromium)' }, () => {
  let root: string;
  let browser: Browser;
  let page: Page;
  let file: string;
  let sc: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-report-'));
    process.env.SSLMEM_IMAGE_CACHE = join(root, 'cache');
    const made = makeRunOutput(root);
    sc = made.sc;
    file = await writeMemorizationReport(made.out, { top: 15 });
    const puppeteer = await import('puppeteer-core');
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    assert.deepEqual(requests, [], 'the page asks for nothing over the network');
  });

  after(async () => {
    await browser?.close();
    delete process.env.SSLMEM_IMAGE_CACHE;
    rmSync(root, { recursive: true, force: true });
  });

  test('every thumbnail loads, both tables hold the top 15 of S_C, histograms per set', async () => {
    const images = await page.evaluate(() => Array.from(document.querySelectorAll('table.points img')).map((img: any) => ({ ok: img.complete && img.naturalWidth === 16 && img.naturalHeight === 16, alt: img.alt })));
    assert.equal(images.length, 30);
    assert.ok(images.every((i: { ok: boolean }) => i.ok), `thumbnails that did not load: ${JSON.stringify(images.filter((i: { ok: boolean }) => !i.ok))}`);
    assert.ok(images.every((i: { alt: string }) => /^(blobs|stripes)\/\d{4}\.(png|jpg)$/.test(i.alt)), 'each image names its file');
    const histograms = await page.evaluate(() => Array.from(document.querySelectorAll('svg.histogram')).map((s: any) => s.getAttribute('aria-label')));
    assert.deepEqual(histograms, ['S_C', 'S_S', 'S_I', 'S_E']);
    assert.ok(sc > 15);
    if (process.env.SSLMEM_SCREENSHOTS) await page.screenshot({ path: join(process.env.SSLMEM_SCREENSHOTS, 'memorization-report.png'), fullPage: true });
  });

  test('the most memorized table starts sorted by score descending; a click on the score header sorts it ascending, another descending', async () => {
    const scores = () => page.evaluate(() => Array.from(document.querySelectorAll('#most tbody tr')).map((r: any) => Number(r.cells[2].getAttribute('data-value'))));
    const initial = await scores();
    assert.deepEqual(initial, [...initial].sort((a, b) => b - a));
    await page.click('#most th:nth-child(3)');
    const up = await scores();
    assert.deepEqual(up, [...initial].sort((a, b) => a - b));
    assert.notDeepEqual(up, initial);
    await page.click('#most th:nth-child(3)');
    assert.deepEqual(await scores(), initial);
  });

  test('the class menu shows only that class', async () => {
    await page.select('#class-filter', 'stripes');
    const shown = await page.evaluate(() => Array.from(document.querySelectorAll('table.points tbody tr')).filter((r: any) => !r.hidden).map((r: any) => r.cells[3].textContent));
    assert.ok(shown.length > 0);
    assert.ok(shown.every((c: string) => c === 'stripes'), JSON.stringify(shown));
    await page.select('#class-filter', '');
    const all = await page.evaluate(() => Array.from(document.querySelectorAll('table.points tbody tr')).filter((r: any) => !r.hidden).length);
    assert.equal(all, 30);
  });
});
