import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const mainJs = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const sslmem = (...args: string[]) => spawnSync(process.execPath, [mainJs, 'privacy', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('sslmem privacy (the built CLI as a process)', () => {
  test('epsilon of TF Privacy\'s MNIST tutorial run (classic conversion): 3.01', () => {
    const r = sslmem('--noise', '1.1', '--sample-rate', '0.0042667', '--steps', '14062', '--delta', '1e-5', '--conversion', 'classic', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.epsilon.toFixed(2), '3.01');
    assert.equal(typeof out.order, 'number');
  });

  test('the noise for a target epsilon, spending at most the target', () => {
    const r = sslmem('--target-epsilon', '8', '--sample-rate', '0.01', '--steps', '5000', '--delta', '1e-5', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.epsilon <= 8 && out.epsilon > 7.9, r.stdout);
    const back = JSON.parse(sslmem('--noise', String(out.noise), '--sample-rate', '0.01', '--steps', '5000', '--delta', '1e-5', '--json').stdout);
    assert.equal(back.epsilon, out.epsilon);
  });

  test('exactly one of --noise and --target-epsilon; the sample rate is a rate', () => {
    const neither = sslmem('--sample-rate', '0.1', '--steps', '3');
    assert.equal(neither.status, 1);
    assert.match(neither.stderr, /--noise \/ --target-epsilon: expected exactly one of them, found neither/);
    assert.match(sslmem('--noise', '1', '--sample-rate', '2', '--steps', '3').stderr, /--sample-rate: expected a rate in \[0, 1\], found 2/);
  });
});
