import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const indexJs = join(__dirname, '..', '..', 'dist', 'index.js');

describe('built sslmem (dist/cli/main.js)', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  const sslmem = (...args: string[]) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 60_000 });

  test('starts with a node shebang', () => {
    assert.equal(readFileSync(mainJs, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  });

  test('--help prints the commands and exits 0', () => {
    const r = sslmem('--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: sslmem <command>/);
    for (const name of ['train', 'score', 'probe', 'download', 'presets']) assert.ok(r.stdout.includes(`  ${name} `), name);
  });

  test('the built library in plain Node runs our SIMD module (what the CLI and the notebooks load)', () => {
    const script = `const s = require(${JSON.stringify(indexJs)}); s.initBackend().then((b) => console.log(s.describeBackend(b)))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tfjs backend: wasm .*wasm with training kernels and our SIMD matrix product/);
    assert.doesNotMatch(r.stdout, /without our SIMD|did not compile/);
  });

  test('the built library names its products: the BLAS where the native binding is built, else our SIMD products', () => {
    const script = `const s = require(${JSON.stringify(indexJs)}); s.initBackend().then((b) => console.log(s.describeBackend(b)))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const built = existsSync(join(__dirname, '..', '..', 'native', 'build', 'sslmem-blas.node')) && process.env.SSLMEM_NATIVE !== '0';
    assert.match(r.stdout, built ? /; products: \S*BLAS.* through the native binding\n$/ : /; products: our SIMD products \(.*\)\n$/);
  });

  test('a bad option exits 1 with one line naming it', () => {
    const r = sslmem('score', '--epoch', '3');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sslmem score: error: option --epoch: .*did you mean --epochs\?\n$/);
  });

  test('score runs with every objective by name (--objective), on real MNIST, 2 epochs', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-objectives-'));
    try {
      for (const name of ['simclr', 'byol', 'simsiam', 'dino', 'vicreg', 'mae', 'supervised']) {
        const out = join(root, name);
        const r = spawnSync(process.execPath, [mainJs, 'score', '--preset', 'quick', '--objective', name, '--epochs', '2', '--workers', '1', '--quiet', '--runs', join(root, 'runs'), '--out', out], { encoding: 'utf8', timeout: 300_000 });
        assert.equal(r.status, 0, `${name}: ${r.stderr}`);
        assert.match(r.stdout, /One-sided Welch t-tests/);
        const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
        assert.equal(config.objective.name, name);
        assert.equal(config.encoder.kind, name === 'mae' ? 'vit' : 'mlp');
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('score --all-points --folds 4 writes one row per training point (with its fold), trained as a plan in two workers; a second run reuses everything', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-all-points-'));
    try {
      const args = ['score', '--preset', 'quick', '--all-points', '--folds', '4', '--epochs', '5', '--set', 'train.finalLr=0.0001', '--set', 'train.schedule=cosine', '--runs', join(root, 'runs')];
      const r = spawnSync(process.execPath, [mainJs, ...args, '--out', join(root, 'out')], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /training 5 encoder\(s\) for 5 epochs/);
      const lines = readFileSync(join(root, 'out', 'scores.csv'), 'utf8').trim().split('\n');
      assert.equal(lines[0], 'id,set,label,align_f,align_g,score_raw,score_range,score_ratio,fold,raw_seed0');
      assert.equal(lines.length - 1, 250, 'one row per point of the quick split (250)');
      const rows = lines.slice(1).map((l) => l.split(','));
      assert.equal(new Set(rows.map((c) => c[0])).size, 250, 'distinct ids');
      const perFold = [0, 1, 2, 3].map((k) => rows.filter((c) => c[8] === String(k)).length);
      assert.deepEqual(perFold, [63, 63, 62, 62]);
      assert.ok(rows.every((c) => Number.isFinite(Number(c[5]))));
      assert.match(r.stdout, /SSLMem of every training point of "quick" on mnist: 250 points in 4 folds/);
      assert.match(r.stdout, /Reliability of the ranking of every training point: needs 2 or more seeds/);
      assert.equal(JSON.parse(readFileSync(join(root, 'out', 'summary.json'), 'utf8')).reliability.measured, false);
      const config = JSON.parse(readFileSync(join(root, 'out', 'config.json'), 'utf8'));
      assert.equal(config.train.finalLr, 0.0001, 'train options pass through');
      const again = spawnSync(process.execPath, [mainJs, ...args, '--out', join(root, 'again')], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stderr, /scores reused from the run store/);
      assert.equal(readFileSync(join(root, 'again', 'scores.csv'), 'utf8'), lines.join('\n') + '\n');
      // Two seeds: seed 0's encoders are reused, seed 1's trained; the ranking's reliability is printed and written.
      const two = spawnSync(process.execPath, [mainJs, ...args, '--seeds', '0,1', '--out', join(root, 'two')], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(two.status, 0, two.stderr);
      assert.match(two.stderr, /training 5 encoder\(s\) for 5 epochs/);
      assert.match(two.stdout, /Reliability of the ranking of every training point, 250 points, by score_raw over 2 seeds \(0, 1\):\n {2}between two seeds: Pearson -?\d\.\d{4}, Spearman -?\d\.\d{4}; within a class: Pearson/);
      assert.match(two.stdout, /Spearman-Brown reliability of the 2-seed mean: -?\d\.\d{4} \(95% bootstrap interval/);
      const reliability = JSON.parse(readFileSync(join(root, 'two', 'summary.json'), 'utf8')).reliability;
      assert.equal(reliability.measured, true);
      assert.deepEqual(reliability.seeds, [0, 1]);
      assert.equal(reliability.points, 250);
      assert.ok(reliability.interval.low <= reliability.reliability && reliability.reliability <= reliability.interval.high, JSON.stringify(reliability));
      assert.ok(reliability.classShare >= 0 && reliability.classShare <= 1);
      const header = readFileSync(join(root, 'two', 'scores.csv'), 'utf8').split('\n')[0];
      assert.equal(header, 'id,set,label,align_f,align_g,score_raw,score_range,score_ratio,fold,raw_seed0,raw_seed1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('score trains privately with --set dp.epsilon=8 (MAE, ghost per-example norms on wasm) and reports the epsilon spent; SimCLR is refused before training', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-dp-'));
    try {
      const out = join(root, 'mae');
      const args = ['score', '--preset', 'quick', '--epochs', '3', '--workers', '1', '--runs', join(root, 'runs'), '--set', 'dp.epsilon=8'];
      const r = spawnSync(process.execPath, [mainJs, ...args, '--objective', 'mae', '--out', out], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /one example at a time/, 'every layer of the ViT and decoder records per-example gradients');
      const spent = /DP-SGD \(target epsilon 8, delta 0\.00001, clip 1, poisson sampling\): epsilon spent f0 ([0-9.]+), g0 ([0-9.]+)/.exec(r.stdout);
      assert.ok(spent, r.stdout);
      for (const e of spent.slice(1).map(Number)) assert.ok(e <= 8 && e > 7.9, `epsilon ${e}`);
      const history = readFileSync(join(out, 'history-f-seed0.csv'), 'utf8').trim().split('\n');
      assert.equal(history[0], 'epoch,loss,lr,seconds,epsilon');
      assert.equal(history.length, 4);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      assert.equal(summary.privacy.epsilon, 8);
      const refused = spawnSync(process.execPath, [mainJs, ...args, '--objective', 'simclr', '--out', join(root, 'simclr')], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /"simclr", whose loss couples the examples of a batch/);
      assert.match(refused.stderr, /an objective DP-SGD can train: mae \(on a ViT/);
      assert.ok(!existsSync(join(root, 'simclr')), 'nothing written');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  describe('the run cache as a user meets it (CLI processes, a tiny synthetic experiment)', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-dist-'));
    const runs = join(root, 'runs');
    const tiny = ['--dataset', 'synthetic', '--epochs', '2', '--set', 'split.trainSize=100', '--set', 'split.extraSize=20', '--set', 'encoder.hidden=[16]',
      '--set', 'encoder.outDim=8', '--set', 'objective.projector={"hidden":[8],"outDim":8}', '--set', 'train.batchSize=16', '--set', 'score.pairs=2',
      '--set', 'probe={"trainSize":100,"testSize":20,"epochs":2}', '--workers', '1', '--runs', runs];
    const run = (...args: string[]) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 300_000 });
    const encoderRuns = () => readdirSync(join(runs, 'encoder')).filter((n) => /^[0-9a-f]{64}$/.test(n));

    test('score, then a checkpoint overwritten with NaN bytes: reported with its path and retrained, to the same scores; runs verify and gc', () => {
      try {
        const first = run('score', ...tiny, '--out', join(root, 'a'));
        assert.equal(first.status, 0, first.stderr);
        const verified = run('runs', 'verify', '--runs', runs);
        assert.equal(verified.status, 0, verified.stdout);
        assert.match(verified.stdout, /3 run\(s\): 3 ok, 0 damaged, 0 stale/);
        const dir = join(runs, 'encoder', encoderRuns()[0]);
        const file = join(dir, 'checkpoints', 'epoch-0002.safetensors');
        const fd = openSync(file, 'r+');
        writeSync(fd, new Uint8Array(new Float32Array(8).fill(Number.NaN).buffer), 0, 32, statSync(file).size - 32);
        closeSync(fd);
        const damaged = run('runs', 'verify', '--runs', runs);
        assert.equal(damaged.status, 1);
        assert.ok(damaged.stdout.includes(`damaged ${dir}: file checkpoints/epoch-0002.safetensors: SHA-256`), damaged.stdout);
        // Scores are cached: refresh them, so the damaged encoder is read (and found).
        const again = run('score', ...tiny, '--refresh', '--out', join(root, 'b'));
        assert.equal(again.status, 0, again.stderr);
        assert.ok(again.stderr.includes(`run store: ${dir} was damaged (file checkpoints/epoch-0002.safetensors: SHA-256`), again.stderr);
        assert.match(again.stderr, /training 1 encoder\(s\)/);
        assert.equal(readFileSync(join(root, 'b', 'scores.csv'), 'utf8'), readFileSync(join(root, 'a', 'scores.csv'), 'utf8'), 'retrained to the same numbers');
        // A score table cut short after its write: gc removes it.
        const scoresDir = join(runs, 'scores', readdirSync(join(runs, 'scores')).find((n) => /^[0-9a-f]{64}$/.test(n))!);
        writeFileSync(join(scoresDir, 'scores.csv'), readFileSync(join(scoresDir, 'scores.csv'), 'utf8').split('\n').slice(0, 50).join('\n'));
        const gc = run('runs', 'gc', '--runs', runs);
        assert.equal(gc.status, 0, gc.stderr);
        assert.ok(gc.stdout.includes(`removed ${scoresDir}`) && gc.stdout.includes('damaged: file scores.csv'), gc.stdout);
        assert.equal(run('runs', 'verify', '--runs', runs).status, 0);
        assert.match(run('runs', 'list', '--runs', runs).stdout, /encoder\s+2\s+0\s+0\s+0/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    test('an invalid setting is rejected before any data loads or anything trains', () => {
      const r = run('score', ...tiny, '--set', 'probe.trainSize=0', '--out', join(root, 'c'));
      assert.equal(r.status, 1);
      assert.match(r.stderr, /probe\.trainSize: expected an integer >= 1, found 0/);
      assert.doesNotMatch(r.stderr, /training|data:/);
      const big = run('score', '--preset', 'quick', '--set', 'split.trainSize=70000', '--out', join(root, 'c'), '--runs', runs);
      assert.match(big.stderr, /split\.trainSize: expected at most 60000 \(the train split of mnist\)/);
    });
  });
});
