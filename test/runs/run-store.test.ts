import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { cached } from '../../src/runs/cached';
import { filesCodec, jsonCodec, tableCodec } from '../../src/runs/run-codec';
import { runKey } from '../../src/runs/run-key';
import { runStore } from '../../src/runs/run-store';
import { InputError } from '../../src/util/errors';

const roots: string[] = [];
function freshStore() {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-runs-'));
  roots.push(root);
  return runStore(root);
}
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** Everything under the kind folder that is not a finished run (temporary or trash folders). */
function leftovers(root: string, kind: string): string[] {
  const folder = join(root, kind);
  return existsSync(folder) ? readdirSync(folder).filter((n) => !/^[0-9a-f]{64}$/.test(n)) : [];
}

describe('runStore', () => {
  const config = { lr: 0.1, seed: 3 };

  test('put then get: files, sub-folders, typed arrays and the config beside them', () => {
    const store = freshStore();
    assert.equal(store.has('history', config), false);
    assert.equal(store.get('history', config), undefined);
    const weights = Float32Array.from([1.5, -2]);
    const run = store.put('history', config, { 'history.csv': 'epoch,loss\n0,1\n', 'enc/weights.bin': weights });
    assert.equal(run.key, runKey(config));
    assert.equal(run.dir, join(store.root, 'history', run.key));
    assert.deepEqual(run.files, ['enc/weights.bin', 'history.csv']);
    assert.ok(store.has('history', { seed: 3, lr: 0.1 }), 'key order does not matter');
    const got = store.get('history', config)!;
    assert.equal(got.readText('history.csv'), 'epoch,loss\n0,1\n');
    assert.deepEqual(new Float32Array(got.read('enc/weights.bin').slice().buffer), weights);
    assert.deepEqual(got.config, { lr: 0.1, seed: 3 });
    assert.deepEqual(JSON.parse(readFileSync(join(got.dir, 'run.json'), 'utf8')).files, ['enc/weights.bin', 'history.csv']);
    assert.throws(() => got.path('missing.csv'), /one of enc\/weights\.bin, history\.csv/);
    assert.deepEqual(store.keys('history'), [run.key]);
    assert.equal(store.has('scores', config), false, 'kinds are separate');
  });

  test('replace (default) overwrites; replace: false keeps the first run', () => {
    const store = freshStore();
    store.put('k', config, { 'a.txt': 'one' });
    store.put('k', config, { 'a.txt': 'two' });
    assert.equal(store.get('k', config)!.readText('a.txt'), 'two');
    store.put('k', config, { 'a.txt': 'three' }, { replace: false });
    assert.equal(store.get('k', config)!.readText('a.txt'), 'two');
    assert.deepEqual(leftovers(store.root, 'k'), []);
    assert.equal(store.remove('k', config), true);
    assert.equal(store.remove('k', config), false);
    assert.equal(store.has('k', config), false);
  });

  test('a failing write leaves neither a run nor a temporary folder', () => {
    const store = freshStore();
    const bad = { 'a.txt': 'fine', 'b.txt': 42 as unknown as string, 'c.txt': 'never' };
    assert.throws(() => store.put('k', config, bad), (e: unknown) => e instanceof InputError && /files\["b\.txt"\]/.test(e.message));
    assert.equal(store.has('k', config), false);
    assert.deepEqual(leftovers(store.root, 'k'), []);
  });

  test('bad kinds and file names are InputErrors', () => {
    const store = freshStore();
    for (const name of ['../x', '/abs', 'a//b', 'config.json', 'run.json', '']) {
      assert.throws(() => store.put('k', config, { [name]: 'x' }), InputError, name);
    }
    assert.throws(() => store.has('../up', config), /kind/);
    assert.throws(() => store.put('k', { f: NaN }, {}), /config\.f/);
  });

  test('concurrent writers of one key: every reader sees a complete run, nothing is left over', async () => {
    const store = freshStore();
    const writer = `
      const { runStore } = require(${JSON.stringify(join(process.cwd(), 'src/runs/run-store.ts'))});
      const store = runStore(process.argv[1]);
      const id = process.argv[2];
      for (let i = 0; i < 40; i++) {
        const body = id.repeat(2000 + i);
        store.put('race', { same: 'key' }, { 'a.txt': body, 'b.txt': body }, { replace: i % 2 === 0 });
      }`;
    const children = ['x', 'y'].map((id) => spawn(process.execPath, ['--import', 'tsx', '-e', writer, store.root, id], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const errors: string[] = [];
    children.forEach((c) => c.stderr.on('data', (d: Buffer) => errors.push(String(d))));
    const exits = children.map((c) => new Promise<number>((resolve) => c.on('exit', (code) => resolve(code ?? 1))));
    let running = true;
    void Promise.all(exits).then(() => { running = false; });
    let seen = 0;
    while (running) {
      try {
        const run = store.get('race', { same: 'key' });
        if (run) {
          assert.equal(run.readText('a.txt'), run.readText('b.txt'), 'a run is never half written');
          seen++;
        }
      } catch (e) {
        // A run replaced while being read vanishes under the reader (ENOENT); never partial.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.deepEqual(await Promise.all(exits), [0, 0], errors.join('\n'));
    const final = store.get('race', { same: 'key' })!;
    assert.match(final.readText('a.txt'), /^(x+|y+)$/);
    assert.equal(final.readText('a.txt'), final.readText('b.txt'));
    assert.deepEqual(leftovers(store.root, 'race'), []);
    assert.ok(seen > 0, 'the reader saw runs while writers wrote');
  });
});

describe('cached', () => {
  test('computes once, then reuses the stored value', async () => {
    const store = freshStore();
    let calls = 0;
    const compute = async () => {
      calls++;
      return { losses: [1, 0.5], name: 'run' };
    };
    const first = await cached('history', { seed: 1 }, compute, { ...jsonCodec(), store });
    const second = await cached('history', { seed: 1 }, compute, { ...jsonCodec(), store });
    assert.deepEqual(second, first);
    assert.equal(calls, 1);
    await cached('history', { seed: 2 }, compute, { ...jsonCodec(), store });
    assert.equal(calls, 2, 'another config computes');
    await cached('history', { seed: 1 }, compute, { ...jsonCodec(), store, refresh: true });
    assert.equal(calls, 3, 'refresh computes again');
  });

  test('nothing is stored when compute or encode throws', async () => {
    const store = freshStore();
    await assert.rejects(cached('k', { a: 1 }, () => { throw new Error('compute failed'); }, { ...jsonCodec(), store }), /compute failed/);
    assert.equal(store.has('k', { a: 1 }), false);
    const failingEncode = { encode: () => { throw new Error('encode failed'); }, decode: () => 0 };
    await assert.rejects(cached('k', { a: 1 }, () => 1, { ...failingEncode, store }), /encode failed/);
    assert.equal(store.has('k', { a: 1 }), false);
    assert.deepEqual(leftovers(store.root, 'k'), []);
  });

  test('a run that does not decode names its folder', async () => {
    const store = freshStore();
    store.put('k', { a: 1 }, { 'other.json': '{}' });
    await assert.rejects(cached('k', { a: 1 }, () => 1, { ...jsonCodec<number>(), store }), (e: unknown) => /could not decode the stored run .*k[\\/][0-9a-f]{64}/.test((e as Error).message));
  });

  test('tableCodec keeps column types (numbers, booleans, numeric-looking strings, nulls)', async () => {
    const store = freshStore();
    const table = aq.table({ id: [1, 2, 3], run: ['01', '2', 'x,y'], ok: [true, false, null], score: [0.1 + 0.2, NaN, null] });
    await cached('scores', { t: 1 }, () => table, { ...tableCodec(), store });
    const back = await cached('scores', { t: 1 }, () => aq.table({}), { ...tableCodec(), store });
    assert.deepEqual(back.columnNames(), ['id', 'run', 'ok', 'score']);
    assert.deepEqual(back.objects(), [
      { id: 1, run: '01', ok: true, score: 0.30000000000000004 },
      { id: 2, run: '2', ok: false, score: NaN },
      { id: 3, run: 'x,y', ok: null, score: null },
    ]);
    assert.ok(store.get('scores', { t: 1 })!.readText('table.csv').startsWith('id,run,ok,score\n'));
  });

  test('filesCodec stores opaque files (e.g. safetensors) and returns their bytes', async () => {
    const store = freshStore();
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    await cached('encoder', { e: 1 }, () => ({ 'encoder.safetensors': bytes }), { ...filesCodec(), store });
    const back = await cached('encoder', { e: 1 }, () => ({}), { ...filesCodec(), store });
    assert.deepEqual(back, { 'encoder.safetensors': bytes });
  });
});
