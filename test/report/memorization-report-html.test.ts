import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorizationReportHtml } from '../../src/report/memorization-report-html';
import { readRunOutput, runOutputOf } from '../../src/report/run-output';
import { memorizationReport } from '../../src/report/write-memorization-report';
import { folderPreset } from '../../src/design/folder-preset';
import type { ImageDataset } from '../../src/data/dataset';
import { makeRunOutput } from './make-run-output';

let root: string;

function tiny(n: number, numClasses: number): ImageDataset {
  return { name: 't', source: 'train', shape: [2, 2, 1], images: Uint8Array.from({ length: n * 4 }, (_, i) => i % 256), labels: Int32Array.from({ length: n }, (_, i) => i % numClasses), numClasses };
}

function table(rows: Array<Record<string, number | string>>) {
  const names = Object.keys(rows[0]);
  return { columnNames: () => names, numRows: () => rows.length, get: (c: string, i: number) => rows[i][c] };
}

describe('memorization report', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sslmem-report-html-'));
    process.env.SSLMEM_IMAGE_CACHE = join(root, 'cache');
  });
  after(() => {
    delete process.env.SSLMEM_IMAGE_CACHE;
    rmSync(root, { recursive: true, force: true });
  });

  test('ranks S_C only, most first and least first, at most top of each', async () => {
    const made = makeRunOutput(join(root, 'a'));
    const html = await memorizationReport(made.out, { top: 5 });
    const ids = (section: string) => [...(html.split(`id="${section}"`)[1].split('</table>')[0].matchAll(/<td>(S_\w)<\/td>/g))].map((m) => m[1]);
    assert.deepEqual(ids('most'), ['S_C', 'S_C', 'S_C', 'S_C', 'S_C']);
    assert.deepEqual(ids('least'), ['S_C', 'S_C', 'S_C', 'S_C', 'S_C']);
    const run = readRunOutput(made.out);
    const sc = run.rows.filter((r) => r.set === 'S_C').map((r) => r.scores.score_ratio).sort((a, b) => b - a);
    const first = Number(html.split('id="most"')[1].match(/<td data-value="([-\d.e]+)">/g)?.[1]?.match(/"([^"]+)"/)?.[1]);
    assert.equal(first, sc[0]);
    assert.doesNotMatch(html, /https?:\/\//, 'no address outside the page');
  });

  test('an all-point run ranks every training point; a flat dataset shows no class', () => {
    const config = folderPreset('quick', { name: 'folder', dir: makeRunOutput(join(root, 'b')).images });
    const rows = Array.from({ length: 8 }, (_, id) => ({ id, label: 0, align_f: 0, align_g: 0, score_raw: id / 10, score_ratio: id / 20, fold: id % 2 }));
    const run = runOutputOf(config, table(rows));
    assert.equal(run.allPoints, true);
    const html = memorizationReportHtml(run, { train: tiny(8, 1), test: tiny(1, 1) }, { top: 3 });
    assert.match(html, /Ranked: 8 points of every training point/);
    assert.match(html, /<td>\(none\)<\/td>/);
    assert.match(html, /train \(fold 1\)/);
  });

  test('a run whose ids the dataset no longer has, and a folder that is not a run, are refused', async () => {
    const made = makeRunOutput(join(root, 'c'));
    const csv = readFileSync(join(made.out, 'scores.csv'), 'utf8');
    writeFileSync(join(made.out, 'scores.csv'), `${csv}9999,S_C,0,0.5,0.5,0,0,0\n`);
    await assert.rejects(memorizationReport(made.out), /id 9999 \(S_C\): expected an id below \d+, the images of the dataset now/);
    assert.throws(() => readRunOutput(root), /option --run: expected the --out folder of sslmem score \(it holds config\.json/);
  });
});
