import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findingByName, findingSettings } from '../../src/cli/finding-settings';
import type { CoresetSettings } from '../../src/findings/coreset/settings';

const coreset = findingByName('coreset');

describe('sslmem finding --setting: a finding\'s own settings from the command line', () => {
  test('names of the preset\'s settings and the optional ones change, in order; the preset\'s settings stay as they are', () => {
    const before = JSON.stringify(coreset.settings('quick'));
    const s = findingSettings(coreset, { preset: 'quick', setting: ['scorings=[[0],[1],[2]]', 'controls=true', 'fractions=[1,0.5]', 'fractions=[1,0.8]', 'downstream.knn.k=5'] }) as CoresetSettings;
    assert.deepEqual(s.scorings, [[0], [1], [2]]);
    assert.equal(s.controls, true);
    assert.deepEqual(s.fractions, [1, 0.8], 'the later assignment wins');
    assert.equal((s.downstream as Record<string, { k: number }>).knn.k, 5);
    assert.equal(JSON.stringify(coreset.settings('quick')), before, 'nothing shared with the preset was changed');
    assert.deepEqual(findingSettings(coreset, { preset: 'quick' }), coreset.settings('quick'), 'without --setting: the notebook\'s settings');
  });

  test('a wrong name lists the settings; config points to --set; kinds must match; hostile keys are refused', () => {
    const with_ = (setting: string) => () => findingSettings(coreset, { preset: 'quick', setting: [setting] });
    assert.throws(with_('fractons=[1]'), /option --setting fractons: expected one of the settings of finding coreset: folds, column, fractions, tasks, downstream, scorings, controls, found "fractons" \(did you mean fractions\?\)/);
    assert.throws(with_('config.seeds=[1]'), /option --setting config\.seeds: expected one of the finding's own settings .*; its experiment config changes with --set or --config, found config/);
    assert.throws(with_('fractions=0.5'), /option --setting fractions: expected a list \(as the preset's \[1,0\.96,0\.8,0\.64,0\.48\]\), found a number: 0\.5/);
    assert.throws(with_('controls=yes'), /option --setting controls: expected a boolean \(e\.g\. false\), found a string: "yes"/);
    assert.throws(with_('downstream.knn.kk=3'), /option --setting downstream\.knn\.kk: expected a field the setting has \(k\), found "kk"/);
    assert.throws(with_('folds.x=3'), /option --setting folds\.x: expected a path through the setting's objects, found folds is a number/);
    assert.throws(with_('__proto__=1'), /option --setting/);
    assert.throws(with_('downstream.__proto__.x=1'), /__proto__/);
    assert.throws(with_('fractions=[1e999]'), /option --setting fractions/);
  });

  test('as a process: a share smaller than a batch is refused before anything trains; sslmem plan takes --setting only with --finding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslmem-setting-'));
    try {
      const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
      const r = cli(['finding', 'coreset', '--preset', 'quick', '--setting', 'fractions=[1,0.25]', '--runs', join(dir, 'runs'), '--out', join(dir, 'out')]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /coreset settings\.fractions\[1\]: expected a share keeping at least one batch \(64 of the 250 points of the pool, with dropLast\), found 0\.25, which keeps 63/);
      assert.doesNotMatch(r.stderr, /training \d+ encoder/);
      assert.equal(existsSync(join(dir, 'out')), false, 'nothing written');
      const p = cli(['plan', '--preset', 'quick', '--setting', 'controls=true', '--out', join(dir, 'plan.json')]);
      assert.equal(p.status, 1);
      assert.match(p.stderr, /option --setting: expected --finding NAME/);
      const help = cli(['finding', '--help']);
      assert.match(help.stdout, /--setting NAME=VALUE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
