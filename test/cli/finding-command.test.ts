import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as aq from 'arquero';
import { canRenderPng } from '../../src/plot/figure-png';
import { tableFromCsv } from '../../src/io/csv-table';
import { shrinkWords } from './finding-shrink';

// `sslmem finding` and `sslmem plan --finding` as processes of the built CLI, over every
// finding the built registry holds (findings registered later are covered without editing
// this file). Each runs with the quick preset, shrunk only where `shrink` says so.

const cli = resolve('dist/cli/main.js');
const { findingNames } = require(resolve('dist/findings/registry.js')) as { findingNames: string[] };
const dir = mkdtempSync(join(tmpdir(), 'sslmem-finding-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const runs = join(dir, 'runs');

const shrunk = shrinkWords;

function run(args: string[], timeoutMs = 15 * 60_000) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The files `sslmem finding NAME --out out` wrote and the verdict it printed, checked against each other. */
function checkOutputs(name: string, out: string, stdout: string): void {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.finding, name);
  assert.match(summary.notebook, /^\d\d-[a-z0-9-]+$/);
  assert.ok(typeof summary.claim === 'string' && summary.claim.length > 10, summary.claim);
  assert.equal(summary.preset, 'quick');
  assert.equal(typeof summary.settings.config.train.epochs, 'number');
  const v = summary.verdict;
  assert.equal(typeof v.holds, 'boolean');
  assert.ok(v.parts.length > 0, 'the claim has parts');
  for (const part of v.parts) {
    assert.equal(typeof part.name, 'string');
    assert.equal(typeof part.holds, 'boolean');
    assert.ok(typeof part.sentence === 'string' && part.sentence.length > 0);
  }
  assert.equal(v.outcome, v.holds ? 'holds' : v.parts.some((p: { holds: boolean }) => p.holds) ? 'partly' : 'not confirmed');
  assert.ok(v.sentence.length > 0);
  assert.equal(v.lines.at(-1), v.sentence, 'the verdict lines end with the sentence');
  for (const line of v.lines) assert.ok(stdout.includes(line), `stdout prints the verdict line ${JSON.stringify(line)}`);
  assert.ok(summary.tables.length > 0, 'at least one table');
  let headers = 0;
  for (const table of summary.tables as string[]) {
    const stem = table.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
    const csv = readFileSync(join(out, `${stem}.csv`), 'utf8');
    const arrow = aq.fromArrow(readFileSync(join(out, `${stem}.arrow`)));
    if (csv.trim() === '') {
      // A table of no rows built from no rows has no columns either (scale's `cheapest` when no regime is significant).
      assert.deepEqual([arrow.numCols(), arrow.numRows()], [0, 0], `${stem}.csv is empty, so is ${stem}.arrow`);
      continue;
    }
    headers++;
    const header = csv.split('\n')[0].split(',');
    assert.ok(header.every((c) => c.length > 0), `${stem}.csv has a header: ${csv.split('\n')[0]}`);
    assert.deepEqual(arrow.columnNames().map((c) => (/[",\n]/.test(c) ? JSON.stringify(c) : c)), header, `${stem}.arrow has the CSV's columns`);
    assert.equal(arrow.numRows(), tableFromCsv(csv).numRows(), `${stem}.arrow has the CSV's rows`);
  }
  assert.ok(headers > 0, 'at least one table with columns');
  for (const figure of summary.figures as string[]) {
    const stem = figure.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
    const plotly = JSON.parse(readFileSync(join(out, `${stem}.plotly.json`), 'utf8'));
    assert.ok(Array.isArray(plotly.data) && plotly.data.length > 0, `${stem}.plotly.json has traces`);
    if (canRenderPng(plotly)) assert.deepEqual([...readFileSync(join(out, `${stem}.png`)).subarray(1, 4)], [0x50, 0x4e, 0x47], `${stem}.png is a PNG`);
  }
}

describe('sslmem finding: names and errors', () => {
  test('--list names every registered finding with its notebook and claim', () => {
    const r = run(['finding', '--list']);
    assert.equal(r.code, 0, r.err);
    if (findingNames.length === 0) assert.match(r.out, /No finding is registered/);
    for (const name of findingNames) assert.match(r.out, new RegExp(`^${name} +\\d\\d-[a-z0-9-]+\\n +\\S`, 'm'), r.out);
  });

  test('an unknown name fails with the list of names (and a near miss)', () => {
    const r = run(['finding', 'no-such-finding', '--preset', 'quick']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^sslmem finding: error: argument <name>: expected (one of .* \(see sslmem finding --list\)|a registered finding \(none is registered in this build\)), found "no-such-finding"\n$/);
    for (const name of findingNames) assert.ok(r.err.includes(name), r.err);
    if (findingNames.length > 0) {
      const typo = `${findingNames[0].slice(0, -1)}x`;
      assert.match(run(['finding', typo]).err, new RegExp(`did you mean ${findingNames[0]}\\?`));
    }
    const plan = run(['plan', '--finding', 'no-such-finding', '--out', join(dir, 'p.json')]);
    assert.equal(plan.code, 1);
    assert.match(plan.err, /option --finding: expected .*found "no-such-finding"/);
  });

  test('no name, a name with --list, and --help', () => {
    assert.match(run(['finding']).err, /expected a finding name.* or --list, found nothing/);
    assert.equal(run(['finding']).code, 1);
    const both = run(['finding', 'x', '--list']);
    assert.equal(both.code, 1);
    assert.match(both.err, /option --list: expected no finding name/);
    const help = run(['finding', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: sslmem finding \[name\] \[options\]/);
    for (const option of ['--list', '--preset', '--set PATH=VALUE', '--config FILE', '--queue URL', '--workers N', '--runs DIR', '--out DIR']) assert.ok(help.out.includes(option), option);
    assert.match(run(['plan', '--help']).out, /--finding NAME/);
  });

  test('a bad --set fails before anything trains, naming the field', { skip: findingNames.length === 0 ? 'no finding is registered yet' : false }, () => {
    const r = run(['finding', findingNames[0], '--preset', 'quick', '--set', 'train.epochs=0', '--runs', runs, '--out', join(dir, 'bad')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /train\.epochs: expected an integer >= 1, found 0/);
    assert.doesNotMatch(r.err, /training \d+ encoder/);
    assert.ok(!existsSync(join(dir, 'bad')));
  });
});

/** Findings already run (and checked) by an earlier test, with the run store `runs`. */
const checked = new Set<string>();

describe('sslmem plan --finding: a staged finding stage by stage with sslmem run-job', () => {
  const staged = 'coreset';
  const skip = findingNames.includes(staged) ? false : `finding ${staged} is not registered yet`;
  test(`${staged}: stage 1, run-job, stage 2, run-job, nothing left; then sslmem finding trains nothing`, { skip, timeout: 30 * 60_000 }, () => {
    const options = ['--preset', 'quick', ...shrunk(staged), '--runs', runs];
    const runStage = (n: number): void => {
      const path = join(dir, `${staged}-stage${n}.json`);
      const r = run(['plan', '--finding', staged, ...options, '--out', path, '--slurm', join(dir, `${staged}-stage${n}.sbatch`)]);
      assert.equal(r.code, 0, r.err);
      const count = Number(/^(\d+) training job\(s\) -> /.exec(r.out)?.[1]);
      assert.ok(count > 0, r.out);
      assert.match(r.err, new RegExp(`finding ${staged}: wrote stage ${n} of 2 \\(`));
      if (n === 1) assert.match(r.err, /1 stage remains after it .*then run this command again for stage 2: sslmem plan --finding coreset --preset quick/);
      else assert.match(r.err, /no stage remains after it; next: .*then sslmem finding coreset --preset quick .*measures without training/);
      assert.match(readFileSync(join(dir, `${staged}-stage${n}.sbatch`), 'utf8'), new RegExp(`#SBATCH --array=0-${count - 1}\\n`));
      for (let i = 0; i < count; i++) {
        const job = run(['run-job', path, String(i), '--runs', runs, '--quiet']);
        assert.equal(job.code, 0, job.err);
      }
    };
    runStage(1);
    runStage(2);
    const done = run(['plan', '--finding', staged, ...options, '--out', join(dir, `${staged}-stage3.json`)]);
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /^nothing to plan: the run store .* has every training of finding coreset \(2 stages\); sslmem finding coreset .*measures without training\n$/);
    assert.ok(!existsSync(join(dir, `${staged}-stage3.json`)));
    const out = join(dir, `out-${staged}`);
    const r = run(['finding', staged, ...options, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /training \d+ encoder/, 'every encoder comes from the run store');
    assert.match(r.err, /all \d+ encoders reused from the run store/);
    checkOutputs(staged, out, r.out);
    checked.add(staged);
  });
});

describe('sslmem finding NAME --preset quick, for every registered finding', { timeout: 120 * 60_000 }, () => {
  if (findingNames.length === 0) test('no finding is registered yet', { skip: 'the registry is empty' }, () => {});
  for (const name of findingNames) {
    test(name, { timeout: 30 * 60_000 }, () => {
      if (checked.has(name)) return;
      const out = join(dir, `out-${name}`);
      const r = run(['finding', name, '--preset', 'quick', ...shrunk(name), '--runs', runs, '--out', out]);
      assert.equal(r.code, 0, r.err);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      assert.ok(r.out.startsWith(`${name} (${summary.notebook}): ${summary.claim}\n`), r.out);
      assert.match(r.out, new RegExp(`\\nFiles in ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*summary\\.json`));
      checkOutputs(name, out, r.out);
    });
  }
});
