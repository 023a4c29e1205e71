import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { progressBar } from '../../src/notebook/progress-bar';
import { formatTableNumber, printTable, tableText } from '../../src/notebook/print-table';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { withOverrides } from '../../src/design/experiment-config';
import { preset } from '../../src/design/presets';
import { sidePlan } from '../../src/plans/side-plan';
import { encoderRunKind, jobRunConfig } from '../../src/plans/job-key';
import { runStore } from '../../src/runs/run-store';
import { trainingProgress } from '../../src/notebook/training-progress';

/** What a front end that overwrites after \r character by character (classic Notebook) shows. */
function screen(text: string): string {
  return text.split('\n').map((line) => line.split('\r').reduce((shown, part) => part + shown.slice(part.length), '')).join('\n');
}

describe('progressBar in a notebook', () => {
  test('a shorter redraw covers the longer line before it (no tail left behind)', () => {
    const out: string[] = [];
    let t = 0;
    const bar = progressBar(30, { label: 'train', write: (s) => out.push(s), now: () => (t += 1000), headless: false });
    bar.update(26, 'loss 3.6661; seed 0 26/30 running long note');
    bar.update(27, 'loss 3.6');
    bar.finish('done');
    const shown = screen(out.join(''));
    assert.doesNotMatch(shown, /running long note/, shown);
    assert.match(shown.trimEnd(), /^train \[#+\.+\] 27\/30 .* done$/);
  });

  test('a closed output (restarted kernel) silences the bar instead of throwing', () => {
    const write = process.stdout.write;
    let calls = 0;
    process.stdout.write = (() => {
      calls++;
      throw Object.assign(new Error('Socket is closed'), { code: 'EBADF' });
    }) as typeof process.stdout.write;
    try {
      const bar = progressBar(3, { headless: false, minIntervalMs: 0 });
      assert.doesNotThrow(() => {
        bar.update(1);
        bar.update(2);
        bar.finish();
      });
    } finally {
      process.stdout.write = write;
    }
    assert.equal(calls, 1, 'one failed write, then silence');
  });
});

describe('printTable', () => {
  const stats = aq.table({ set: ['S_C', 'S_S'], n: [100, 100], mean: [0.015023456789, -0.00912345], p_value: [5.6412e-9, 0.70512345] });

  test('rounds numbers to 4 significant digits, small ones in exponent form, integers whole', () => {
    assert.equal(formatTableNumber(0.015023456789), '0.01502');
    assert.equal(formatTableNumber(-0.00912345), '-0.009123');
    assert.equal(formatTableNumber(5.6412e-9), '5.641e-9');
    assert.equal(formatTableNumber(100), '100');
    assert.equal(formatTableNumber(2.5), '2.5');
    assert.equal(
      tableText(stats),
      ['set    n       mean   p_value', '---  ---  ---------  --------', 'S_C  100    0.01502  5.641e-9', 'S_S  100  -0.009123    0.7051', ''].join('\n'),
    );
  });

  test('prints once and returns nothing for a kernel to echo', () => {
    const out: string[] = [];
    const value: unknown = printTable(stats, { write: (s) => out.push(s) });
    assert.equal(value, undefined);
    assert.equal(out.length, 1);
    assert.doesNotMatch(out[0]!, /0\.015023456789/);
  });

  test('says how many rows it left out', () => {
    assert.match(tableText(aq.table({ x: Array.from({ length: 25 }, (_, i) => i) }), { limit: 20 }), /\(5 more rows, 25 in all\)\n$/);
  });
});

describe('trainingProgress after an interrupt', () => {
  test('counts only the epochs still to train: an interrupted training resumes after its checkpoint', async () => {
    await initBackend();
    const root = mkdtempSync(join(tmpdir(), 'sslmem-progress-'));
    const saved = process.env.SSLMEM_RUNS;
    process.env.SSLMEM_RUNS = root;
    try {
      const config = withOverrides(preset('quick', 'synthetic'), { train: { epochs: 30 }, seeds: [0] });
      const [f] = sidePlan(config);
      writeFileSync(join(runStore(root).workDir(encoderRunKind, jobRunConfig(f!)), 'epoch-0020.safetensors'), '');
      const out: string[] = [];
      const progress = trainingProgress(config, { write: (s: string) => out.push(s), headless: false, minIntervalMs: 0 });
      progress.onEpoch({ label: 'f seed 0', seed: 0, epoch: 21, epochs: 30, loss: 1 });
      assert.match(out.join(''), / 1\/40 /, 'f has 10 epochs left, g all 30');
    } finally {
      if (saved === undefined) delete process.env.SSLMEM_RUNS;
      else process.env.SSLMEM_RUNS = saved;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
