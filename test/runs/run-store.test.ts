import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { cached } from '../../src/runs/cached';
import { filesCodec, jsonCodec, tableCodec } from '../../src/runs/run-codec';
import { runKey } from '../../src/runs/run-key';
import { runStore, type DamagedRun } from '../../src/runs/run-store';
import { hostTag } from '../../src/util/temp-files';
import { InputError } from '../../src/util/errors';

const roots: string[] = [];
function freshStore(onDamaged: (r: DamagedRun) => void = (r) => assert.fail(`unexpected damage: ${r.problem}`)) {
  const root = mkdtempSync(join(tmpdir(), 'sslmem-runs-'));
  roots.push(root);
  return runStore(root, { onDamaged });
}

/** The id of a process that has exited (so no process has it, for a while). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
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
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(got.dir, 'run.json'), 'utf8')).files), ['enc/weights.bin', 'history.csv']);
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

describe('run store integrity', () => {
  const config = { what: 'scores', seed: 1 };
  const csv = 'id,set,score\n0,S_C,0.5\n1,S_C,0.25\n2,S_E,0.125\n';
  const damages: Array<[string, (dir: string) => void, RegExp]> = [
    ['a file overwritten in place with other bytes (same size)', (dir) => writeFileSync(join(dir, 'w.bin'), new Uint8Array(new Float32Array([NaN, NaN]).buffer)), /file w\.bin: SHA-256 .* run\.json records/],
    ['a table cut at a row boundary', (dir) => truncateSync(join(dir, 'scores.csv'), csv.indexOf('2,S_E')), /file scores\.csv: \d+ bytes, run\.json records \d+/],
    ['a missing file', (dir) => rmSync(join(dir, 'scores.csv')), /file scores\.csv is missing/],
    ['an extra file', (dir) => writeFileSync(join(dir, 'extra.txt'), 'x'), /file extra\.txt is not in run\.json/],
    ['a run.json that is not JSON', (dir) => writeFileSync(join(dir, 'run.json'), '{"format":'), /run\.json is not valid JSON/],
    ['an edited config.json', (dir) => writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, seed: 2 })), /config\.json does not hash to the run key/],
  ];
  for (const [what, damage, problem] of damages) {
    test(`${what}: reported with its path, removed, and computed again by cached`, async () => {
      const reports: DamagedRun[] = [];
      const store = freshStore((r) => reports.push(r));
      const run = store.put('scores', config, { 'scores.csv': csv, 'w.bin': Float32Array.of(1, 2) });
      assert.equal(store.check('scores', run.key), undefined);
      damage(run.dir);
      assert.match(store.check('scores', run.key) ?? '', problem, 'check names the problem');
      assert.equal(store.get('scores', config), undefined);
      assert.equal(reports.length, 1);
      assert.equal(reports[0].dir, run.dir);
      assert.match(reports[0].problem, problem);
      assert.equal(existsSync(run.dir), false, 'the damaged run is gone');
      let computed = 0;
      const value = await cached('scores', config, () => (computed++, { fresh: true }), { ...jsonCodec(), store });
      assert.deepEqual(value, { fresh: true });
      assert.equal(computed, 1);
      assert.equal(store.check('scores', store.get('scores', config)!.key), undefined);
    });
  }

  test('a sound run is read once per process, not hashed again on every get', () => {
    const store = freshStore();
    const run = store.put('k', config, { 'a.txt': 'x'.repeat(1000) });
    for (let i = 0; i < 3; i++) assert.ok(store.has('k', config));
    // A file that changes its size (or time) is checked again, also through another store object.
    writeFileSync(join(run.dir, 'a.txt'), 'y');
    const reports: string[] = [];
    const again = runStore(store.root, { onDamaged: (r) => reports.push(r.problem) });
    assert.equal(again.has('k', config), false);
    assert.match(reports[0], /a\.txt: 1 bytes, run\.json records 1000/);
  });

  test('temporaries of gone processes are removed when a store opens; those of live ones stay', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-runs-'));
    roots.push(root);
    const store = runStore(root);
    store.put('encoder', config, { 'a.txt': 'x' });
    const gone = deadPid();
    const kind = join(root, 'encoder');
    const paths = {
      goneTmp: join(kind, `.tmp-0123456789abcdef-${hostTag()}-${gone}-0-0`),
      liveTmp: join(kind, `.tmp-0123456789abcdef-${hostTag()}-${process.pid}-0-1`),
      otherHost: join(kind, `.tmp-0123456789abcdef-00000000-${gone}-0-2`),
      goneTrash: join(kind, `${'a'.repeat(64)}.old-${hostTag()}-${gone}-0-3`),
      goneCheckpoint: join(kind, `${'b'.repeat(64)}.work`, `.epoch-0003.safetensors.${hostTag()}-${gone}-0-4.tmp`),
      checkpoint: join(kind, `${'b'.repeat(64)}.work`, 'epoch-0002.safetensors'),
    };
    mkdirSync(join(kind, `${'b'.repeat(64)}.work`));
    for (const [name, path] of Object.entries(paths)) {
      if (name.endsWith('Tmp') || name === 'otherHost' || name === 'goneTrash') mkdirSync(path);
      else writeFileSync(path, 'partial');
    }
    assert.deepEqual(store.sweep({ dryRun: true }).sort(), [paths.goneCheckpoint, paths.goneTmp, paths.goneTrash].sort());
    assert.ok(existsSync(paths.goneTmp), 'a dry run removes nothing');
    // A store opened by a new process sweeps at once.
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(join(process.cwd(), 'src/runs/run-store.ts'))}).runStore(${JSON.stringify(root)})`], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(
      Object.fromEntries(Object.entries(paths).map(([name, path]) => [name, existsSync(path)])),
      { goneTmp: false, liveTmp: true, otherHost: true, goneTrash: false, goneCheckpoint: false, checkpoint: true },
    );
    assert.ok(store.has('encoder', config), 'finished runs are untouched');
  });

  test('work folders: created with their config, listed, removed by put', () => {
    const store = freshStore();
    const work = store.workDir('encoder', config);
    writeFileSync(join(work, 'epoch-0001.safetensors'), 'x');
    const key = runKey(config);
    assert.deepEqual(store.workKeys('encoder'), [key]);
    assert.deepEqual(store.configOf('encoder', key, 'work'), config);
    store.put('encoder', config, { 'a.txt': 'done' });
    assert.deepEqual(store.workKeys('encoder'), []);
    assert.equal(existsSync(work), false);
    assert.deepEqual(store.kinds(), ['encoder']);
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

  test('tableCodec keeps a table of no rows: its columns, or none', async () => {
    const store = freshStore();
    for (const [t, table] of [[1, aq.table({ regime: [], 'p, value': [] })], [2, aq.table({})], [3, aq.table({ x: [null] })]] as const) {
      await cached('empty', { t }, () => table, { ...tableCodec(), store });
      const back = await cached('empty', { t }, () => aq.table({ never: [1] }), { ...tableCodec(), store });
      assert.deepEqual([back.columnNames(), back.numRows()], [table.columnNames(), table.numRows()], `table ${t}`);
    }
  });

  test('filesCodec stores opaque files (e.g. safetensors) and returns their bytes', async () => {
    const store = freshStore();
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    await cached('encoder', { e: 1 }, () => ({ 'encoder.safetensors': bytes }), { ...filesCodec(), store });
    const back = await cached('encoder', { e: 1 }, () => ({}), { ...filesCodec(), store });
    assert.deepEqual(back, { 'encoder.safetensors': bytes });
  });
});
