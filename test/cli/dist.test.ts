import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

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

  test('a bad option exits 1 with one line naming it', () => {
    const r = sslmem('score', '--epoch', '3');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sslmem score: error: option --epoch: .*did you mean --epochs\?\n$/);
  });
});
