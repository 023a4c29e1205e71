import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import * as aq from 'arquero';
import { PNG } from 'pngjs';
import { figureBundle } from '../../src/notebook/figure-bundle';
import type { MimeBundle } from '../../src/notebook/mime-bundle';
import { setupPlotly, showFigure } from '../../src/notebook/show-figure';
import { scatterFigure } from '../../src/plot/scatter-figure';
import type { PlotlyFigure } from '../../src/plot/figure';

const table = aq.table({ x: [1, 2, 3], y: [3, 1, 2], g: ['a', 'b', 'a'] });
const fig = scatterFigure(table, { x: 'x', y: 'y', color: 'g', title: 'bad </script> title' });

/** Runs the figure's inline script against a fake DOM and returns what it passed to Plotly.newPlot. */
function drawWithFakePlotly(html: string, id: string): { el: { innerHTML: string }; args: unknown[] } {
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  const el = { innerHTML: 'placeholder' };
  let args: unknown[] = [];
  const window = { Plotly: { newPlot: (...a: unknown[]) => { args = a; } } };
  const document = { getElementById: (wanted: string) => (wanted === id ? el : null) };
  runInNewContext(scripts[scripts.length - 1]!, { window, document, setTimeout, Object });
  return { el, args };
}

describe('figureBundle', () => {
  test('one bundle: Plotly JSON, HTML drawing it, PNG and text', () => {
    const bundle = figureBundle(fig, { id: 'fig-1' });
    assert.deepEqual(Object.keys(bundle).sort(), ['application/vnd.plotly.v1+json', 'image/png', 'text/html', 'text/plain']);
    assert.deepEqual(bundle['application/vnd.plotly.v1+json'], fig);
    const png = PNG.sync.read(Buffer.from(bundle['image/png'] as string, 'base64'));
    assert.equal(png.width, 640);
    const html = bundle['text/html'] as string;
    assert.match(html, /<div id="fig-1" class="sslmem-figure"[^>]*><img src="data:image\/png;base64,/);
    assert.ok(!html.includes('</script> title'), 'figure text cannot close the script');
    assert.match(bundle['text/plain'] as string, /Plotly figure "bad <\/script> title": 2 trace\(s\): scatter "a", scatter "b"/);
  });

  test('the HTML script draws the figure with plotly.js and clears the placeholder', () => {
    const html = figureBundle(fig, { id: 'fig-2' })['text/html'] as string;
    const { el, args } = drawWithFakePlotly(html, 'fig-2');
    assert.equal(el.innerHTML, '');
    assert.equal(args[0], el);
    assert.deepEqual(JSON.parse(JSON.stringify(args[1])), fig.data);
    assert.deepEqual(JSON.parse(JSON.stringify(args[2])), fig.layout);
    assert.deepEqual(JSON.parse(JSON.stringify(args[3])), { responsive: true });
  });

  test('png: false leaves the PNG out; unsupported traces get no PNG; inline plotly.js when asked', () => {
    assert.equal(figureBundle(fig, { png: false })['image/png'], undefined);
    const pie: PlotlyFigure = { data: [{ type: 'pie', values: [1, 2] }], layout: {} };
    const b = figureBundle(pie);
    assert.equal(b['image/png'], undefined);
    assert.match(b['text/html'] as string, /needs JavaScript/);
    const inline = figureBundle(fig, { plotlyJs: 'inline' })['text/html'] as string;
    assert.ok(inline.length > 1_000_000, 'offline plotly.js embedded');
    assert.match(inline, /window\.Plotly = Plotly/);
    assert.match(figureBundle(fig, { plotlyJs: 'cdn' })['text/html'] as string, /src="https:\/\/cdn\.plot\.ly\/plotly-[\d.]+\.min\.js"/);
  });

  test('numbers are kept to 4 significant digits (smaller notebooks), integers whole', () => {
    const precise = scatterFigure(aq.table({ x: [1234567, 2], y: [0.123456789, 1.5e-7 + 1e-12] }), { x: 'x', y: 'y' });
    const json = figureBundle(precise, { png: false })['application/vnd.plotly.v1+json'] as PlotlyFigure;
    assert.deepEqual(json.data[0]!.x, [1234567, 2]);
    assert.deepEqual(json.data[0]!.y, [0.1235, 1.5e-7]);
  });

  test('default ids are stable for a figure and differ between figures', () => {
    const id = (f: PlotlyFigure) => /<div id="([^"]+)"/.exec(figureBundle(f, { png: false })['text/html'] as string)![1];
    assert.equal(id(fig), id(fig));
    assert.notEqual(id(fig), id(scatterFigure(table, { x: 'y', y: 'x' })));
  });
});

describe('showFigure', () => {
  test('by default no plotly.js in any output (small notebooks); once/always on request; ids differ per call; nothing returned', () => {
    const sent: MimeBundle[] = [];
    const send = (b: MimeBundle) => sent.push(b);
    assert.equal(showFigure(fig, { send }), undefined);
    showFigure(fig, { send, png: false });
    showFigure(fig, { send, plotlyJs: 'once' });
    showFigure(fig, { send, plotlyJs: 'once' });
    showFigure(fig, { send, plotlyJs: 'always' });
    const sizes = sent.map((b) => (b['text/html'] as string).length);
    assert.ok(sizes[0]! < 100_000 && sizes[1]! < 100_000, `sizes ${sizes}`);
    assert.ok(sizes[2]! > 1_000_000 && sizes[3]! < 100_000 && sizes[4]! > 1_000_000, `once loads it into one output, always into each: sizes ${sizes}`);
    assert.ok(sent[0]!['image/png'] !== undefined && sent[0]!['application/vnd.plotly.v1+json'] !== undefined, 'static image and figure JSON');
    assert.equal(sent[1]!['image/png'], undefined);
    const ids = sent.map((b) => /<div id="([^"]+)"/.exec(b['text/html'] as string)![1]);
    assert.equal(new Set(ids).size, 5);
    const sink: MimeBundle[] = [];
    setupPlotly({ send: (b) => sink.push(b) });
    assert.ok((sink[0]!['text/html'] as string).length > 1_000_000);
    assert.match(sink[0]!['text/plain'] as string, /^plotly\.js \d/);
  });
});
