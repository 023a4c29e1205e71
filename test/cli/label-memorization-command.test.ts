import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { loadExperimentData, setImages, setNames } from '../../src/design/experiment-data';
import type { ExperimentConfig } from '../../src/design/experiment-config';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

describe('sslmem label-memorization (dist/cli/main.js as a process)', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-label-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const runs = join(root, 'runs');
  // The quick preset (real MNIST, S_C 100, S_S 50, S_I 100, S_E 100, MLP 256-256-64) for 20
  // epochs: about 3 s. Measured at 20 epochs on split seeds 0-9 x training seeds 0-1, the mean
  // p_f of S_C is above its mean p_g by 0.056 to 0.129 (0.056 for this split and seed); at
  // 2-5 epochs it is not always (down to -0.015), at 10 by 0.017 to 0.091.
  const args = ['label-memorization', '--preset', 'quick', '--epochs', '20', '--workers', '1', '--runs', runs];
  const sslmem = (...extra: string[]) => spawnSync(process.execPath, [mainJs, ...args, ...extra], { encoding: 'utf8', timeout: 300_000 });
  const out = join(root, 'a');

  test('trains supervised f and g and writes label-memorization.csv (id, set, label, p_f, p_g, score), summary.json, histories, config.json', async () => {
    const r = sslmem('--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /training 2 encoder\(s\) for 20 epochs/);
    assert.match(r.stderr, /f seed 0 +epoch +1\/20 .*eta/);
    assert.match(r.stderr, /trained in .*\n[^]*scored 350 points/);
    assert.deepEqual(readdirSync(out).sort(), ['config.json', 'history-f-seed0.csv', 'history-g-seed0.csv', 'label-memorization.csv', 'summary.json']);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as ExperimentConfig;
    assert.deepEqual(config.objective, { name: 'supervised', classes: 10 });

    const text = readFileSync(join(out, 'label-memorization.csv'), 'utf8');
    assert.equal(text.split('\n')[0], 'id,set,label,p_f,p_g,score');
    const table = aq.fromCSV(text);
    const rows = table.objects() as Array<{ id: number; set: string; label: number; p_f: number; p_g: number; score: number }>;
    // The rows are the four sets in order, with the ids and labels of `sslmem score`'s table.
    const data = await loadExperimentData(config);
    let at = 0;
    for (const set of setNames) {
      const { dataset, ids } = setImages(data, set);
      const part = rows.slice(at, at + ids.length);
      at += ids.length;
      assert.ok(part.every((row) => row.set === set), `${set}: ${ids.length} rows`);
      assert.deepEqual(part.map((row) => row.id), Array.from(ids), `${set} ids`);
      assert.deepEqual(part.map((row) => row.label), Array.from(ids, (i) => dataset.labels[i]), `${set} labels`);
    }
    assert.equal(rows.length, at);
    assert.deepEqual(setNames.map((s) => rows.filter((row) => row.set === s).length), [100, 50, 100, 100]);
    for (const row of rows) {
      assert.ok(row.p_f >= 0 && row.p_f <= 1 && row.p_g >= 0 && row.p_g <= 1, JSON.stringify(row));
      assert.equal(row.score, row.p_f - row.p_g, JSON.stringify(row));
    }

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.deepEqual(summary.score.statistics.map((s: { set: string; n: number }) => [s.set, s.n]), [['S_C', 100], ['S_S', 50], ['S_I', 100], ['S_E', 100]]);
    const mean = (part: 'p_f' | 'p_g', set: string): number => summary[part].statistics.find((s: { set: string }) => s.set === set).mean;
    const cRows = rows.filter((row) => row.set === 'S_C');
    assert.ok(Math.abs(mean('p_f', 'S_C') - cRows.reduce((s, row) => s + row.p_f, 0) / cRows.length) < 1e-12);
    assert.ok(mean('p_f', 'S_C') > mean('p_g', 'S_C'), `f trained on S_C, g did not: p_f ${mean('p_f', 'S_C')} vs p_g ${mean('p_g', 'S_C')}`);
    const welch = summary.score.tests.filter((t: { test: string; alternative: string; a: string }) => t.test === 'welch' && t.alternative === 'greater' && t.a === 'S_C');
    assert.deepEqual(welch.map((t: { b: string }) => t.b), ['S_S', 'S_I', 'S_E']);
    assert.match(r.stdout, /^Label memorization \(Feldman & Zhang 2020\) of "quick" on mnist: supervised mlp models, 1 seed \(0\), 20 epochs\n/);
    assert.match(r.stdout, /set +n +p_f +p_g +score/);
    assert.match(r.stdout, /One-sided Welch t-tests[^]*S_C > S_S: [^]*S_C > S_I: [^]*S_C > S_E: /);
    assert.ok(r.stdout.includes(`Files in ${out}: label-memorization.csv, summary.json, history-f-seed0.csv, history-g-seed0.csv, config.json`), r.stdout);
  });

  test('a second run takes the table from the run store; --refresh computes it again, to the same numbers', () => {
    const again = sslmem('--out', join(root, 'b'));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /label memorization reused from the run store/);
    assert.doesNotMatch(again.stderr, /training \d|trained in|scored/);
    assert.equal(readFileSync(join(root, 'b', 'label-memorization.csv'), 'utf8'), readFileSync(join(out, 'label-memorization.csv'), 'utf8'));
    const refreshed = sslmem('--refresh', '--quiet', '--out', join(root, 'c'));
    assert.equal(refreshed.status, 0, refreshed.stderr);
    assert.equal(refreshed.stderr, '');
    assert.equal(readFileSync(join(root, 'c', 'label-memorization.csv'), 'utf8'), readFileSync(join(out, 'label-memorization.csv'), 'utf8'));
  });

  test('--objective takes only supervised', () => {
    const r = sslmem('--objective', 'simclr', '--out', join(root, 'd'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^sslmem label-memorization: error: option --objective: expected .*supervised.*found "simclr"/);
    assert.ok(!existsSync(join(root, 'd')));
  });
});
