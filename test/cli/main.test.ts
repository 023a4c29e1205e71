import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { bufferIo } from '../../src/cli/cli-io';
import { commands, main } from '../../src/cli/main';
import { resolveExperimentConfig } from '../../src/cli/experiment-options';
import { preset, presetNames } from '../../src/design/presets';
import { runStore } from '../../src/runs/run-store';
import { loadTrainedEncoder } from '../../src/plans/trained-encoders';
import { loadEncoder } from '../../src/train/encoder-file';
import { scoreReliability } from '../../src/stats/score-reliability';
import { formatNumber } from '../../src/cli/summary-text';

before(async () => {
  await initBackend();
});

const root = mkdtempSync(join(tmpdir(), 'sslmem-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
const runs = join(root, 'runs');

/** A tiny synthetic experiment: 100 training images, MLP [32], 2 epochs, 2 pairs of views. */
const tiny = [
  '--dataset', 'synthetic',
  '--epochs', '2',
  '--set', 'split.trainSize=100',
  '--set', 'split.extraSize=20',
  '--set', 'encoder.hidden=[32]',
  '--set', 'encoder.outDim=16',
  '--set', 'objective.projector={"hidden":[16],"outDim":8}',
  '--set', 'train.batchSize=32',
  '--set', 'score.pairs=2',
  '--set', 'probe={"trainSize":100,"testSize":40,"epochs":3}',
  '--workers', '1',
  '--runs', runs,
];

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** The header and rows of a CSV file. */
function readCsv(path: string): { columns: string[]; rows: number } {
  const table = aq.fromCSV(readFileSync(path, 'utf8'));
  return { columns: table.columnNames(), rows: table.numRows() };
}

function noTempFiles(dir: string): void {
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.') || f.endsWith('.tmp')), [], `temporary files left in ${dir}`);
}

describe('sslmem help', () => {
  test('--help of every command lists its options and exits 0', async () => {
    for (const [name, command] of Object.entries(commands)) {
      const { code, out, err } = await run([name, '--help']);
      assert.equal(code, 0, name);
      assert.equal(err, '');
      assert.ok(out.startsWith(`Usage: sslmem ${name}`), out.slice(0, 80));
      for (const option of command.help.options) assert.ok(out.includes(`--${option.name}`), `${name} --help lacks --${option.name}`);
      assert.deepEqual(await run(['help', name]), { code: 0, out, err: '' }, 'sslmem help <command> is the same');
    }
  });

  test('sslmem --help lists the commands; no command prints it to stderr and fails; --version', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    for (const name of Object.keys(commands)) assert.ok(help.out.includes(`  ${name} `), name);
    const none = await run([]);
    assert.equal(none.code, 1);
    assert.equal(none.out, '');
    assert.ok(none.err.includes('Usage: sslmem <command>'));
    const version = await run(['--version']);
    assert.match(version.out, /^sslmem \d+\.\d+\.\d+/);
  });
});

describe('sslmem errors', () => {
  /**
   * Runs a failing command line: exit 1, nothing on stdout, and on stderr (after any progress
   * notes) one last line `sslmem ...: error: ...` that contains every part, with no stack trace.
   */
  async function fails(args: string[], parts: string[]): Promise<string> {
    const { code, out, err } = await run(args);
    assert.equal(code, 1, `exit code of ${args.join(' ')}`);
    assert.equal(out, '');
    const lines = err.trimEnd().split('\n');
    const last = lines[lines.length - 1];
    assert.match(last, /^sslmem( \w+)?: error: /, err);
    assert.equal(lines.filter((l) => l.includes('error:')).length, 1, `one error line, got:\n${err}`);
    assert.ok(!/^\s+at /m.test(err), `no stack trace:\n${err}`);
    for (const part of parts) assert.ok(last.includes(part), `${JSON.stringify(last)} lacks ${JSON.stringify(part)}`);
    return last;
  }

  test('unknown options, bad values, unknown commands and fields', async () => {
    await fails(['train', '--epoch', '3', '--out', root], ['sslmem train: error:', 'option --epoch', 'unknown option', '--epochs']);
    await fails(['score', '--epochs', 'many'], ['option --epochs', 'expected an integer >= 1', 'found "many"']);
    await fails(['score', '--preset', 'huge'], ['option --preset', 'one of quick, laptop, paper', '"huge"']);
    await fails(['probe', '--dataset', 'mnst'], ['option --dataset', 'did you mean mnist?']);
    await fails(['trian'], ['command "trian"', 'did you mean train?']);
    await fails(['train', ...tiny, '--set', 'train.epoch=3', '--out', root], ['train.epoch', 'unknown field']);
    await fails(['train', ...tiny, '--set', 'score.pairs=0', '--out', root], ['score.pairs', 'an integer >= 1', 'found 0']);
    await fails(['train', ...tiny, '--set', 'augment.preset=fancy', '--out', root], ['augment', 'preset', 'fancy']);
    await fails(['presets', '--preset', 'paper', 'extra'], ['extra argument "extra"']);
  });

  test('--out is required; --verbose adds the stack', async () => {
    await fails(['score', ...tiny], ['option --out', 'expected a folder for the output files', 'found nothing']);
    const { code, err } = await run(['score', ...tiny, '--verbose']);
    assert.equal(code, 1);
    assert.ok(err.split('\n').length > 3 && err.includes('InputError') && /\bat /.test(err), err);
  });

  test('a dataset that is not there names its folder and how to get it', async () => {
    const missing = join(root, 'no-cifar');
    await fails(['train', '--dataset', 'cifar10', '--data-dir', missing, '--runs', runs, '--out', join(root, 'never')], [missing, 'sslmem download cifar10']);
    assert.equal(existsSync(join(root, 'never')), false, 'nothing written');
  });

  test('download without network fails with one clear line and leaves no folder', async () => {
    const saved = globalThis.fetch;
    globalThis.fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    try {
      const dir = join(root, 'data', 'kmnist');
      await fails(['download', 'kmnist', '--dir', dir, '--quiet'], ['sslmem download: error:', 'expected a reachable URL', 'network error', `copy them into ${dir}`]);
      assert.equal(existsSync(dir), false);
      assert.deepEqual(readdirSync(join(root, 'data')), [], 'no partial folder');
    } finally {
      globalThis.fetch = saved;
    }
    await fails(['download', 'imagenet'], ['argument <name>', 'one of']);
    await fails(['download'], ['<name>', 'found nothing']);
  });
});

describe('sslmem presets', () => {
  test('prints every preset, or one, as JSON', async () => {
    const all = await run(['presets']);
    assert.equal(all.code, 0);
    assert.deepEqual(JSON.parse(all.out), Object.fromEntries(presetNames.map((n) => [n, preset(n)])));
    const one = await run(['presets', '--preset', 'laptop', '--dataset', 'cifar10']);
    assert.deepEqual(JSON.parse(one.out), preset('laptop', 'cifar10'));
  });
});

describe('sslmem train, score, probe on tiny synthetic data', () => {
  const trainOut = join(root, 'train');
  const scoreOut = join(root, 'score');

  test('train writes config, histories and encoders equal to the stored ones', async () => {
    const { code, out, err } = await run(['train', ...tiny, '--out', trainOut]);
    assert.equal(code, 0, err);
    assert.deepEqual(readdirSync(trainOut).sort(), [
      'config.json',
      'encoder-f-seed0.safetensors',
      'encoder-g-seed0.safetensors',
      'history-f-seed0.csv',
      'history-g-seed0.csv',
    ]);
    const config = JSON.parse(readFileSync(join(trainOut, 'config.json'), 'utf8'));
    const expected = resolveExperimentConfig({ dataset: 'synthetic', epochs: 2, set: tiny.filter((_, i) => tiny[i - 1] === '--set') });
    assert.deepEqual(config, expected);
    assert.deepEqual(readCsv(join(trainOut, 'history-f-seed0.csv')), { columns: ['epoch', 'loss', 'lr', 'seconds'], rows: 2 });
    assert.match(out, /f seed 0: 2 epochs, final loss \d/);
    assert.match(err, /f seed 0 {2}epoch 1\/2 {2}loss \d+\.\d{4} {2}elapsed/, 'per-epoch progress on stderr');
    assert.match(err, /g seed 0 {2}epoch 2\/2/);
    const stored = await loadTrainedEncoder(expected, 'g', 0, { store: runStore(runs) });
    const saved = await loadEncoder(join(trainOut, 'encoder-g-seed0.safetensors'));
    try {
      assert.equal(saved.variables.length, stored.encoder.variables.length);
      saved.variables.forEach((v, i) => assert.deepEqual(v.dataSync(), stored.encoder.variables[i].dataSync()));
    } finally {
      saved.dispose();
      stored.dispose();
    }
    noTempFiles(trainOut);
  });

  test('score reuses the encoders and writes scores.csv, summary.json, histories and config', async () => {
    const tensors = tf.memory().numTensors;
    const { code, out, err } = await run(['score', ...tiny, '--out', scoreOut]);
    assert.equal(code, 0, err);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
    assert.ok(err.includes('all 2 encoders reused'), err);
    assert.ok(!err.includes('epoch 1/2'), 'no retraining');
    assert.deepEqual(readdirSync(scoreOut).sort(), ['config.json', 'history-f-seed0.csv', 'history-g-seed0.csv', 'scores.arrow', 'scores.csv', 'summary.json']);
    const arrow = readFileSync(join(scoreOut, 'scores.arrow'));
    assert.equal(arrow.subarray(0, 6).toString('latin1'), 'ARROW1', 'Arrow IPC file format (pyarrow.feather / pandas.read_feather)');
    const fromArrow = aq.fromArrow(new Uint8Array(arrow));
    const fromCsv = aq.fromCSV(readFileSync(join(scoreOut, 'scores.csv'), 'utf8'));
    assert.deepEqual(fromArrow.columnNames(), fromCsv.columnNames());
    assert.deepEqual(fromArrow.array('id'), fromCsv.array('id'));
    assert.deepEqual(Array.from(fromArrow.array('score_ratio') as ArrayLike<number>), Array.from(fromCsv.array('score_ratio') as ArrayLike<number>));
    const header = readFileSync(join(scoreOut, 'scores.csv'), 'utf8').split('\n')[0];
    assert.equal(header, 'id,set,label,align_f,align_g,score_raw,score_range,score_ratio,raw_seed0');
    const table = aq.fromCSV(readFileSync(join(scoreOut, 'scores.csv'), 'utf8'));
    const counts = Object.fromEntries((table.groupby('set').count().objects() as Array<{ set: string; count: number }>).map((r) => [r.set, r.count]));
    assert.deepEqual(counts, { S_C: 40, S_S: 20, S_I: 40, S_E: 20 }, 'the quick preset splits 20/40/40');
    const summary = JSON.parse(readFileSync(join(scoreOut, 'summary.json'), 'utf8'));
    assert.equal(summary.printed, 'score_ratio');
    for (const column of ['score_raw', 'score_range', 'score_ratio']) {
      assert.deepEqual(summary[column].statistics.map((r: { set: string }) => r.set), ['S_C', 'S_S', 'S_I', 'S_E']);
      assert.ok(summary[column].tests.some((t: { a: string; b: string; test: string; alternative: string }) => t.a === 'S_C' && t.b === 'S_S' && t.test === 'welch' && t.alternative === 'greater'));
    }
    const meanC = summary.score_ratio.statistics[0].mean;
    const cRatios = table.filter((d: { set: string }) => d.set === 'S_C').array('score_ratio') as number[];
    assert.ok(Math.abs(meanC - cRatios.reduce((a, b) => a + b, 0) / cRatios.length) < 1e-9);
    assert.ok(out.includes('normalization: ratio'), out);
    assert.match(out, /S_C > S_S: mean .* p = \d/);
    assert.match(out, /S_C > S_I: /);
    assert.ok(out.includes('Reliability of the ranking of the candidates (S_C): needs 2 or more seeds (this run has 1'), out);
    assert.deepEqual(summary.reliability, { measured: false, seeds: [0], reason: 'reliability needs 2 or more seeds' });
    assert.ok(out.includes(`Files in ${scoreOut}: scores.csv, scores.arrow, summary.json`));
    assert.equal(readFileSync(join(scoreOut, 'history-f-seed0.csv'), 'utf8'), readFileSync(join(trainOut, 'history-f-seed0.csv'), 'utf8'));
    noTempFiles(scoreOut);
  });

  test('a second score reuses the stored scores; --normalization raw prints the raw scores; --refresh scores again', async () => {
    const { code, out, err } = await run(['score', ...tiny, '--normalization', 'raw', '--out', join(root, 'score-raw')]);
    assert.equal(code, 0);
    assert.ok(err.includes('scores reused from the run store'), err);
    assert.ok(!err.includes('scored S_C'), err);
    assert.ok(out.includes('normalization: raw = SSL_g - SSL_f'), out);
    const summary = JSON.parse(readFileSync(join(root, 'score-raw', 'summary.json'), 'utf8'));
    assert.equal(summary.printed, 'score_raw');
    assert.equal(readFileSync(join(root, 'score-raw', 'scores.csv'), 'utf8'), readFileSync(join(scoreOut, 'scores.csv'), 'utf8'), 'same table');
    assert.deepEqual(readdirSync(join(root, 'score-raw')).sort(), readdirSync(scoreOut).sort(), 'histories too');
    const again = await run(['score', ...tiny, '--refresh', '--out', join(root, 'score-again')]);
    assert.equal(again.code, 0);
    assert.ok(again.err.includes('scored S_C') && again.err.includes('all 2 encoders reused'), again.err);
    assert.equal(readFileSync(join(root, 'score-again', 'scores.csv'), 'utf8'), readFileSync(join(scoreOut, 'scores.csv'), 'utf8'), 'deterministic');
  });

  test('score trains what the run store lacks; on a terminal progress is a \\r bar', async () => {
    const io = bufferIo({ isTTY: true });
    const code = await main(['score', ...tiny, '--seeds', '1', '--out', join(root, 'score-fresh')], io);
    const err = io.err();
    assert.equal(code, 0, err);
    assert.ok(err.includes('training 2 encoder(s) for 2 epochs'), err);
    assert.match(err, /\r\x1b\[Ktraining \[#*\.*\] 1\/4 epochs/);
    assert.ok(err.includes('f seed 1  trained: epoch 2/2') && err.includes('g seed 1  trained: epoch 2/2'), err);
    assert.ok(err.includes('\r\x1b[Kscoring S_E ['), 'scoring bar');
    assert.match(err, /trained in .*\n[^]*scored 120 points/);
    assert.equal(err.split('trained in').length, 2, 'training time noted once');
    assert.deepEqual(readdirSync(join(root, 'score-fresh')).sort(), ['config.json', 'history-f-seed1.csv', 'history-g-seed1.csv', 'scores.arrow', 'scores.csv', 'summary.json']);
    assert.ok(io.out().includes('1 seed (1)'));
  });

  test('score with two seeds (both stored) prints and writes the reliability of the candidates\' ranking from each seed\'s own scores', async () => {
    const out = join(root, 'score-two');
    const result = await run(['score', ...tiny, '--seeds', '0,1', '--out', out]);
    assert.equal(result.code, 0, result.err);
    assert.ok(result.err.includes('all 4 encoders reused'), result.err);
    const table = aq.fromCSV(readFileSync(join(out, 'scores.csv'), 'utf8'));
    const one = aq.fromCSV(readFileSync(join(scoreOut, 'scores.csv'), 'utf8'));
    assert.deepEqual(table.array('raw_seed0'), one.array('score_raw'), "seed 0's own raw score is the score of seed 0 alone");
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const candidates = table.filter((d: { set: string }) => d.set === 'S_C');
    const expected = scoreReliability([candidates.array('raw_seed0') as number[], candidates.array('raw_seed1') as number[]], { labels: candidates.array('label') as number[] });
    assert.equal(summary.reliability.measured, true);
    assert.deepEqual(summary.reliability.seeds, [0, 1]);
    assert.deepEqual(summary.reliability.sets, ['S_C']);
    assert.equal(summary.reliability.points, 40);
    for (const key of ['pearson', 'spearman', 'withinClass', 'withinClassSpearman', 'reliability', 'classShare'] as const) assert.ok(Math.abs(summary.reliability[key] - expected[key]!) < 1e-12, key);
    assert.deepEqual([summary.reliability.interval.low, summary.reliability.interval.high], expected.interval);
    assert.equal(summary.reliability.seedsNeeded, Number.isFinite(expected.seedsNeeded) ? expected.seedsNeeded : null);
    assert.match(result.out, /Reliability of the ranking of the candidates \(S_C\), 40 points, by score_raw over 2 seeds \(0, 1\):/);
    assert.ok(result.out.includes(`Spearman-Brown reliability of the 2-seed mean: ${formatNumber(expected.reliability)}`), result.out);
  });

  test('probe writes probe.csv with one row per encoder', async () => {
    const out = join(root, 'probe');
    const tensors = tf.memory().numTensors;
    const result = await run(['probe', ...tiny, '--quiet', '--out', out]);
    assert.equal(result.code, 0, result.err);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
    assert.equal(result.err, '', '--quiet prints no progress');
    const table = aq.fromCSV(readFileSync(join(out, 'probe.csv'), 'utf8'));
    assert.deepEqual(table.columnNames(), ['side', 'seed', 'accuracy', 'train_accuracy', 'loss', 'test_loss']);
    assert.deepEqual(table.array('side'), ['f', 'g']);
    for (const a of table.array('accuracy') as number[]) assert.ok(a >= 0 && a <= 1);
    assert.match(result.out, /mean accuracy f: 0\.\d{4}/);
    const onlyF = await run(['probe', ...tiny, '--quiet', '--side', 'f', '--out', out]);
    assert.equal(onlyF.code, 0);
    assert.deepEqual(aq.fromCSV(readFileSync(join(out, 'probe.csv'), 'utf8')).array('side'), ['f']);
  });

  test('an --out that cannot be a folder fails before training and leaves tensors as they were', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const before = tf.memory().numTensors;
    const { code, err } = await run(['score', ...tiny, '--quiet', '--out', join(file, 'sub')]);
    assert.equal(code, 1);
    assert.match(err, /^sslmem score: error: option --out: expected a folder, or a path where one can be made, found .*a-file is a file\)\n$/);
    assert.equal(tf.memory().numTensors, before);
  });
});
