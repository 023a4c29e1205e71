import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../../src/backend';
import { bufferIo } from '../../src/cli/cli-io';
import { findingOutputs, outputStem } from '../../src/cli/finding-outputs';
import { findingProgress } from '../../src/cli/finding-progress';
import { startRun } from '../../src/cli/run-context';
import { runStore } from '../../src/runs/run-store';
import { toyFinding, toyStagedFinding, type ToyStudy } from './toy-findings';

// What `sslmem finding` writes for a study and the stage-by-stage progress it prints, with two
// small findings of the test folder (the process tests cover the registered ones).

const dir = mkdtempSync(join(tmpdir(), 'sslmem-finding-outputs-'));
before(async () => {
  await initBackend({ backend: 'cpu' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('findingOutputs', () => {
  let study: ToyStudy;
  before(async () => {
    study = await toyFinding.run(toyFinding.settings('quick'), { store: runStore(join(dir, 'runs')), workers: 1 });
  });

  test('every table as CSV and Arrow, every figure as PNG and Plotly JSON, and summary.json with the verdict', () => {
    const settings = toyFinding.settings('quick');
    const { files, verdict, notes } = findingOutputs(toyFinding, study, { preset: 'quick', settings });
    const byName = new Map(files);
    assert.deepEqual(
      files.map(([name]) => name),
      ['set-means.csv', 'set-means.arrow', 'scores.csv', 'scores.arrow', 'set-means.plotly.json', 'set-means.png', 'summary.json'],
    );
    assert.deepEqual(notes, []);
    assert.match(byName.get('set-means.csv') as string, /^set,mean,n\n/);
    const arrow = aq.fromArrow(byName.get('scores.arrow') as Uint8Array);
    assert.deepEqual(arrow.columnNames(), ['id', 'set', 'score_raw']);
    assert.equal(arrow.numRows(), study.scores.numRows());
    const png = byName.get('set-means.png') as Uint8Array;
    assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], 'a PNG signature');
    const figure = JSON.parse(byName.get('set-means.plotly.json') as string);
    assert.equal(figure.data[0].type, 'bar');
    assert.match(JSON.stringify(figure.layout.title), /Mean score per set/);
    const summary = JSON.parse(byName.get('summary.json') as string);
    assert.equal(summary.finding, 'toy');
    assert.equal(summary.notebook, '99-toy');
    assert.equal(summary.claim, toyFinding.claim);
    assert.equal(summary.preset, 'quick');
    assert.deepEqual(summary.settings.config.seeds, [0]);
    assert.equal(summary.verdict.holds, verdict.holds);
    assert.equal(summary.verdict.outcome, verdict.holds ? 'holds' : verdict.parts.some((p) => p.holds) ? 'partly' : 'not confirmed');
    assert.deepEqual(summary.verdict.parts.map((p: { name: string }) => p.name), ['higher', 'positive']);
    assert.equal(summary.verdict.lines.at(-1), summary.verdict.sentence);
    assert.deepEqual(summary.tables, ['set means', 'scores']);
    assert.deepEqual(summary.figures, ['set-means']);
  });

  test('a figure without a PNG form is written as Plotly JSON with a note; two figures of one file name fail', () => {
    const settings = toyFinding.settings('quick');
    const pie = { ...toyFinding, figures: () => [{ name: 'pie', figure: { data: [{ type: 'pie', values: [1, 2] }], layout: {} } }] };
    const { files, notes } = findingOutputs(pie, study, { preset: 'quick', settings });
    assert.ok(files.some(([n]) => n === 'pie.plotly.json'));
    assert.ok(!files.some(([n]) => n === 'pie.png'));
    assert.match(notes.join('\n'), /figure pie: no PNG \(trace types pie\); pie\.plotly\.json holds it/);
    const twice = { ...toyFinding, figures: () => [...toyFinding.figures(study), { name: 'set means', figure: toyFinding.figures(study)[0].figure }] };
    assert.throws(() => findingOutputs(twice, study, { preset: 'quick', settings }), /two figures would both be written as set-means/);
  });

  test('summary.json writes non-finite settings (an epsilon of Infinity) as text, not null', () => {
    const settings = { ...toyFinding.settings('quick'), epsilons: [Infinity, 8] };
    const { files } = findingOutputs(toyFinding, study, { preset: 'quick', settings });
    const summary = JSON.parse(new Map(files).get('summary.json') as string);
    assert.deepEqual(summary.settings.epsilons, ['Infinity', 8]);
  });

  test('outputStem keeps safe file names', () => {
    assert.equal(outputStem('set means'), 'set-means');
    assert.equal(outputStem('../up'), 'up');
    assert.equal(outputStem('a/b'), 'a-b');
    assert.equal(outputStem('...'), 'unnamed');
  });
});

describe('findingProgress', () => {
  test('a staged finding: a line per stage, then its trainings with the ETA lines of sslmem score', async () => {
    const io = bufferIo();
    const settings = toyStagedFinding.settings('quick');
    const ctx = await startRun({ out: join(dir, 'out'), runs: join(dir, 'runs-staged'), workers: 1, backend: 'cpu' }, io, { config: settings.config });
    const progress = findingProgress(ctx);
    await toyStagedFinding.run(settings, { runner: ctx.runner, onStage: progress.onStage, onEpoch: progress.onEpoch });
    progress.finish();
    const err = io.err();
    assert.match(err, /stage 1\/2 \(first\): f and g of seed 0\ntraining 2 encoder\(s\) for 2 epochs with 1 worker\(s\); run store /);
    assert.match(err, /stage 2\/2 \(second\): f and g of seed 1, chosen once seed 0 is stored\ntraining 2 encoder\(s\) for 2 epochs/);
    assert.match(err, /f seed 0 +epoch 2\/2 +loss \d+\.\d{4} +elapsed/);
    assert.match(err, /eta /);
    assert.equal((err.match(/trained in /g) ?? []).length, 2, err);
  });
});
