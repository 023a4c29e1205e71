import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

const csv = (path: string): string[][] => readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('sslmem layer-mem (built CLI)', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  const sslmem = (...args: string[]) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 120_000 });

  test('--help shows the command with an example', () => {
    const r = sslmem('layer-mem', '--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sslmem layer-mem --preset quick --out/);
    assert.match(r.stdout, /--layers/);
    assert.match(sslmem('--help').stdout, /  layer-mem /);
  });

  test('quick preset: layer-mem.csv and unit-mem.csv for every layer, then --layers/--sets restrict it', () => {
    const root = mkdtempSync(join(tmpdir(), 'sslmem-layer-mem-'));
    try {
      const common = ['layer-mem', '--preset', 'quick', '--epochs', '3', '--workers', '1', '--quiet', '--runs', join(root, 'runs')];
      const r = sslmem(...common, '--out', join(root, 'out'));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /layer +sslmem_S_C +sslmem_S_S +units +unitmem_mean +unitmem_max/);
      const layers = csv(join(root, 'out', 'layer-mem.csv'));
      assert.deepEqual(layers[0], ['layer', 'set', 'score', 'n', 'mean', 'std', 'median', 'q90', 'max']);
      assert.equal(layers.length - 1, 3 * 4 * 3, '3 layers x 4 sets x 3 normalisations');
      assert.deepEqual([...new Set(layers.slice(1).map((c) => c[0]))], ['hidden1', 'hidden2', 'out']);
      assert.deepEqual([...new Set(layers.slice(1).map((c) => c[2]))], ['raw', 'range', 'ratio']);
      assert.ok(layers.slice(1).every((c) => c.slice(3).every((v) => Number.isFinite(Number(v)))));
      const sc = layers.find((c) => c[0] === 'hidden1' && c[1] === 'S_C' && c[2] === 'raw')!;
      assert.equal(sc[3], '100', 'quick S_C has 100 points');
      const units = csv(join(root, 'out', 'unit-mem.csv'));
      assert.deepEqual(units[0], ['layer', 'unit', 'unit_mem', 'top_id']);
      assert.equal(units.length - 1, 256 + 256 + 64);
      const hidden = units.slice(1).filter((c) => c[0] !== 'out');
      assert.ok(hidden.every((c) => Number(c[2]) >= 0 && Number(c[2]) <= 1), 'relu layers: UnitMem in [0, 1]');
      assert.ok(units.slice(1).every((c) => Number.isInteger(Number(c[3])) && Number(c[3]) >= 0));
      assert.equal(JSON.parse(readFileSync(join(root, 'out', 'config.json'), 'utf8')).name, 'quick');

      const again = sslmem(...common, '--layers', 'hidden2', '--sets', 'S_C,S_E', '--out', join(root, 'part'));
      assert.equal(again.status, 0, again.stderr);
      const part = csv(join(root, 'part', 'layer-mem.csv')).slice(1);
      assert.equal(part.length, 1 * 2 * 3);
      assert.ok(part.every((c) => c[0] === 'hidden2' && (c[1] === 'S_C' || c[1] === 'S_E')));
      const hidden2 = (rows: string[][]) => rows.find((c) => c[0] === 'hidden2' && c[1] === 'S_C' && c[2] === 'raw');
      assert.deepEqual(hidden2(part), hidden2(layers), 'the same scores from the reused encoders');
      assert.equal(csv(join(root, 'part', 'unit-mem.csv')).length - 1, 256);

      const bad = sslmem(...common, '--layers', 'hidden9', '--out', join(root, 'bad'));
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /option --layers: expected names among hidden1, hidden2, out, found "hidden9"/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
