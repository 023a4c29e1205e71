import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIndexArgument } from '../../src/cli/index-argument';
import { InputError } from '../../src/util/errors';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'sslmem-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseIndexArgument', () => {
  test('decimal digits in range', () => {
    assert.equal(parseIndexArgument('0', 2, 'i'), 0);
    assert.equal(parseIndexArgument('1', 2, 'i'), 1);
    assert.equal(parseIndexArgument('007', 10, 'i'), 7);
  });

  test('anything else is refused, naming the argument and showing the text', () => {
    for (const text of ['', ' ', '0x1', '1e0', '1.0', '+1', '-0', ' 1', '1 ', 'one', '2', '99999999999999999999']) {
      assert.throws(
        () => parseIndexArgument(text, 2, 'argument <index>'),
        (e: unknown) => e instanceof InputError && e.message === `argument <index>: expected an integer in 0..1, in decimal digits, found ${JSON.stringify(text)}`,
        JSON.stringify(text),
      );
    }
    assert.throws(() => parseIndexArgument('0', 0, 'i'), /i: expected an index, but there is nothing to index/);
    assert.throws(() => parseIndexArgument('x', 3, 'i', { note: 'the plan has 3 jobs' }), /^InputError: i: expected an integer in 0\.\.2, in decimal digits \(the plan has 3 jobs\), found "x"$/);
  });
});

describe('sslmem run-job PLAN INDEX, as a process', { skip: existsSync(mainJs) ? false : 'dist/ not built (npm run build)' }, () => {
  const sslmem = (...args: string[]) => spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', timeout: 120_000 });

  test("'' and 0x1 are refused before anything trains", () => {
    const plan = join(dir, 'plan.json');
    const runs = join(dir, 'runs');
    const written = sslmem('plan', '--preset', 'quick', '--epochs', '1', '--out', plan, '--runs', runs);
    assert.equal(written.status, 0, written.stderr);
    for (const index of ['', '0x1', '1e0', ' 1', '2']) {
      const r = sslmem('run-job', plan, index, '--runs', runs);
      assert.equal(r.status, 1, `${JSON.stringify(index)}: ${r.stdout}`);
      assert.equal(r.stderr, `sslmem run-job: error: argument <index>: expected an integer in 0..1, in decimal digits (the plan has 2 jobs), found ${JSON.stringify(index)}\n`);
      assert.equal(existsSync(runs), false, `${JSON.stringify(index)}: nothing trained`);
    }
  });
});
