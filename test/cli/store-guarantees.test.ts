import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const root = mkdtempSync(join(tmpdir(), 'sslmem-guarantees-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A tiny synthetic experiment of 40 epochs with checkpoints after 5, 10, 20 and 30 (one training takes about a second). */
const tiny = [
  '--dataset', 'synthetic',
  '--epochs', '40',
  '--set', 'split.trainSize=100',
  '--set', 'split.extraSize=20',
  '--set', 'encoder.hidden=[32]',
  '--set', 'encoder.outDim=16',
  '--set', 'objective.projector={"hidden":[16],"outDim":8}',
  '--set', 'train.batchSize=32',
  '--set', 'train.checkpointEpochs=[5,10,20,30]',
  '--set', 'score.pairs=2',
  '--workers', '1',
];

/** A running `sslmem` process whose stderr is collected; `until` waits for a pattern in it. */
interface Running {
  readonly child: ChildProcess;
  err(): string;
  until(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exit(): Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    err: () => err,
    until: (pattern, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(err)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(check, 0));
        check();
      }),
    exit: () => exited,
  };
}

/** Epoch lines of a job in a process's stderr (`f seed 0  epoch  3/40 ...`). */
function epochLines(err: string, label: string): number {
  return err.split('\n').filter((l) => l.startsWith(`${label}  epoch`)).length;
}

/** Flips one bit of the first weight of the first encoder variable of a checkpoint (its data section starts after the header). */
function flipFirstWeight(path: string): void {
  const bytes = readFileSync(path);
  const dataStart = 8 + bytes.readUInt32LE(0);
  bytes[dataStart + 3] ^= 0x01; // lowest exponent bit of a float32: the weight doubles or halves
  writeFileSync(path, bytes);
}

describe('what sslmem guarantees (processes)', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  const reference = join(root, 'reference');

  test('an uninterrupted run (the reference)', async () => {
    const r = start(['score', ...tiny, '--runs', join(reference, 'runs'), '--out', join(reference, 'out')]);
    assert.equal(await r.exit(), 0, r.err());
  });

  test('kill -9 mid-training, a flipped bit in the newest work checkpoint: found, named, resumed from the one before, scores byte-identical', async () => {
    const dir = join(root, 'killed');
    const runs = join(dir, 'runs');
    const first = start(['score', ...tiny, '--runs', runs, '--out', join(dir, 'out')]);
    await first.until(/f seed 0  epoch 2[2-9]\/40/);
    first.child.kill('SIGKILL');
    await first.exit();
    const work = readdirSync(join(runs, 'encoder')).filter((n) => n.endsWith('.work'));
    assert.equal(work.length, 1, `one interrupted training: ${readdirSync(join(runs, 'encoder'))}`);
    const folder = join(runs, 'encoder', work[0]);
    const checkpoints = readdirSync(folder).filter((n) => n.endsWith('.safetensors')).sort();
    assert.ok(checkpoints.length >= 3, `checkpoints 5, 10, 20: ${checkpoints}`);
    const newest = checkpoints[checkpoints.length - 1];
    flipFirstWeight(join(folder, newest));

    const verify = start(['runs', 'verify', '--runs', runs]);
    assert.equal(await verify.exit(), 1, 'runs verify sees the damaged work checkpoint');

    const second = start(['score', ...tiny, '--runs', runs, '--out', join(dir, 'out')]);
    assert.equal(await second.exit(), 0, second.err());
    assert.match(second.err(), new RegExp(`warning: encoder f seed 0: checkpoint \\S*${newest.replace('.', '\\.')} is damaged \\(SHA-256`));
    const previous = Number(/epoch-(\d+)/.exec(checkpoints[checkpoints.length - 2])![1]);
    assert.equal(epochLines(second.err(), 'f seed 0'), 40 - previous, `f resumed from epoch ${previous}`);
    assert.ok(readFileSync(join(dir, 'out', 'scores.csv')).equals(readFileSync(join(reference, 'out', 'scores.csv'))), 'scores.csv byte-identical to the uninterrupted run');
    assert.equal(readdirSync(join(runs, 'encoder')).filter((n) => !/^[0-9a-f]{64}$/.test(n)).length, 0, 'no work folder, lock or temporary left');
  });

  test('two score processes on one store: the second waits for the encoder the first trains and reuses it', async () => {
    const dir = join(root, 'two');
    const runs = join(dir, 'runs');
    const a = start(['score', ...tiny, '--runs', runs, '--out', join(dir, 'a')]);
    await a.until(/f seed 0  epoch +1\/40/);
    a.child.kill('SIGSTOP'); // holds f's lock, alive
    const b = start(['score', ...tiny, '--runs', runs, '--out', join(dir, 'b')]);
    try {
      await b.until(new RegExp(`waiting for f seed 0: being trained by pid ${a.child.pid} on `), 60_000);
    } finally {
      a.child.kill('SIGCONT');
    }
    assert.equal(await a.exit(), 0, a.err());
    assert.equal(await b.exit(), 0, b.err());
    for (const label of ['f seed 0', 'g seed 0']) {
      assert.equal(epochLines(a.err(), label) + epochLines(b.err(), label), 40, `${label} trained once in all: ${a.err()}\n----\n${b.err()}`);
    }
    assert.equal(epochLines(b.err(), 'f seed 0'), 0, 'the second process trained nothing of f');
    assert.match(b.err(), /f seed 0: reused, trained meanwhile by pid/);
    assert.ok(readFileSync(join(dir, 'a', 'scores.csv')).equals(readFileSync(join(dir, 'b', 'scores.csv'))), 'both processes wrote the same scores');
    assert.ok(readFileSync(join(dir, 'a', 'scores.csv')).equals(readFileSync(join(reference, 'out', 'scores.csv'))), 'the scores of an undisturbed run');
  });
});
