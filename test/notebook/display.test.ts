import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { PNG } from 'pngjs';
import type { MimeBundle } from '../../src/notebook/mime-bundle';
import { progressBar } from '../../src/notebook/progress-bar';
import { imageGridBundle, showImageGrid } from '../../src/notebook/show-image-grid';
import { showTable, tableBundle } from '../../src/notebook/show-table';
import { inKernel, sendToKernel } from '../../src/notebook/tslab-kernel';

describe('sendToKernel', () => {
  const fakePath = '/fake/node_modules/tslab/dist/jupyter.js';
  after(() => {
    delete require.cache[fakePath];
    delete (globalThis as { __tslab__?: unknown }).__tslab__;
  });

  test('outside a kernel: sends nothing', () => {
    assert.equal(inKernel(), false);
    assert.equal(sendToKernel({ 'text/plain': 'x' }), false);
  });

  test('inside tslab: the whole bundle goes out as one display_data through the kernel writer', () => {
    const calls: unknown[][] = [];
    // What a running tslab kernel has: globalThis.__tslab__ and its jupyter module with the cell's writer.
    (globalThis as { __tslab__?: unknown }).__tslab__ = {};
    const mod = { id: fakePath, filename: fakePath, loaded: true, exports: { lastWriteDisplayData: (...a: unknown[]) => calls.push(a) } };
    require.cache[fakePath] = mod as unknown as NodeJS.Module;
    const bundle = { 'text/html': '<b>x</b>', 'image/png': 'AAAA', 'text/plain': 'x' };
    assert.equal(sendToKernel(bundle), true);
    assert.deepEqual(calls, [[{ data: bundle, metadata: {}, transient: {} }, false]]);
    sendToKernel(bundle, { displayId: 'd1', update: true });
    assert.deepEqual(calls[1], [{ data: bundle, metadata: {}, transient: { display_id: 'd1' } }, true]);
  });
});

describe('tableBundle / showTable', () => {
  test('HTML and Markdown of the first rows, with a note of the rest', () => {
    const t = aq.table({ id: [1, 2, 3], name: ['a<b', 'c', 'd'] });
    const b = tableBundle(t, { limit: 2, caption: 'scores & ids' });
    assert.match(b['text/html'] as string, /^<p><b>scores &amp; ids<\/b><\/p><table>/);
    assert.match(b['text/html'] as string, /a&lt;b/);
    assert.ok(!(b['text/html'] as string).includes('>d<'), 'row 3 left out');
    assert.match(b['text/html'] as string, /1 more rows \(3 in all\)/);
    assert.equal(b['text/plain'], 'scores & ids\n|id|name|\n|-:|:-|\n|1|a<b|\n|2|c|\n1 more rows (3 in all)\n');
    const sent: MimeBundle[] = [];
    assert.equal(showTable(t, { send: (x) => sent.push(x) }), undefined);
    assert.doesNotMatch(sent[0]!['text/html'] as string, /more rows/);
  });
});

describe('imageGridBundle / showImageGrid', () => {
  test('one PNG of the chosen images', () => {
    const b = imageGridBundle({ values: new Uint8Array(5 * 3 * 3), shape: [5, 3, 3] }, { indices: [4, 0], scale: 1, padding: 0 });
    const png = PNG.sync.read(Buffer.from(b['image/png'] as string, 'base64'));
    assert.equal(png.width, 6);
    assert.equal(b['text/plain'], 'image grid: 2 image(s)');
    const sent: MimeBundle[] = [];
    showImageGrid({ values: new Uint8Array(3 * 2 * 2), shape: [3, 2, 2] }, { send: (x) => sent.push(x) });
    assert.equal(sent[0]!['text/plain'], 'image grid: 3 image(s)');
  });
});

describe('progressBar', () => {
  test('interactive: \\r redraws, throttled, with elapsed time and eta', () => {
    const out: string[] = [];
    let t = 0;
    const bar = progressBar(4, { label: 'train', width: 4, write: (s) => out.push(s), now: () => t, headless: false, minIntervalMs: 100 });
    t = 1000;
    bar.update(1, 'loss 2.0');
    t = 1050;
    bar.tick();  // within 100 ms: not drawn
    t = 2000;
    bar.tick();
    bar.finish('done');
    assert.deepEqual(out, [
      '\rtrain [#...] 1/4 1.0s eta 3.0s loss 2.0',
      '\rtrain [###.] 3/4 2.0s eta 0.7s loss 2.0',
      '\rtrain [###.] 3/4 2.0s eta 0.7s done    \n', // padded over the longer line before it
    ]);
  });

  test('headless: one final line without timings (identical on re-runs)', () => {
    const out: string[] = [];
    let t = 0;
    const bar = progressBar(3, { width: 3, write: (s) => out.push(s), now: () => (t += 777), headless: true });
    bar.tick();
    bar.tick();
    bar.tick('end');
    bar.finish();
    bar.finish();
    assert.deepEqual(out, ['[###] 3/3 end\n']);
  });

  test('headless with a status file: the cell output stays one line, the file follows the progress with eta', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sslmem-progress-')), 'status');
    const out: string[] = [];
    let t = 0;
    const bar = progressBar(4, { label: 'train', width: 4, write: (s) => out.push(s), now: () => t, headless: true, statusFile: file, minIntervalMs: 100 });
    t = 1000;
    bar.update(1, 'f0 epoch 1');
    assert.equal(readFileSync(file, 'utf8'), 'train [#...] 1/4 1.0s eta 3.0s f0 epoch 1\n');
    t = 1050;
    bar.tick('f0 epoch 2'); // throttled
    assert.equal(readFileSync(file, 'utf8'), 'train [#...] 1/4 1.0s eta 3.0s f0 epoch 1\n');
    bar.finish('trained');
    assert.deepEqual(out, ['train [##..] 2/4 trained\n']);
  });
});
