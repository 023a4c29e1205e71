import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRdpOrders, logErfc, noiseForEpsilon, privacySpent, sampledGaussianRdp } from '../../src/privacy';

/**
 * RDP of the sampled Gaussian mechanism by its definition, integrated numerically:
 * `log E_{z ~ N(0, s^2)}[((1 - q) + q exp((2z - 1) / (2 s^2)))^a] / (a - 1)`.
 */
function rdpByIntegration(q: number, s: number, a: number): number {
  const lo = -20 * s - 5;
  const hi = 20 * s + 5;
  const n = 400_000;
  const h = (hi - lo) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const z = lo + i * h;
    const density = Math.exp((-z * z) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));
    const ratio = 1 - q + q * Math.exp((2 * z - 1) / (2 * s * s));
    sum += (i === 0 || i === n ? 0.5 : 1) * density * ratio ** a;
  }
  return Math.log(sum * h) / (a - 1);
}

describe('privacy accountant (RDP of the sampled Gaussian mechanism)', () => {
  test('reproduces TF Privacy\'s MNIST tutorial: q = 256/60000, sigma 1.1, 60 epochs (14062 steps), delta 1e-5: epsilon 3.01 (classic)', () => {
    const spent = privacySpent({ sampleRate: 256 / 60000, noise: 1.1, steps: 14062, delta: 1e-5 }, { conversion: 'classic' });
    assert.equal(spent.epsilon.toFixed(2), '3.01');
    const improved = privacySpent({ sampleRate: 256 / 60000, noise: 1.1, steps: 14062, delta: 1e-5 });
    assert.ok(improved.epsilon < spent.epsilon, 'the improved conversion is tighter');
  });

  test('q = 1 is the Gaussian mechanism: a / (2 sigma^2) at every order; q = 0 spends nothing', () => {
    for (const a of [1.5, 2, 7.3, 32]) {
      assert.equal(sampledGaussianRdp(1, 1.3, a), a / (2 * 1.3 * 1.3));
      assert.equal(sampledGaussianRdp(0, 1.3, a), 0);
    }
    // With q = 1 epsilon minimises a closed form over the orders.
    const steps = 10;
    const closed = Math.min(...defaultRdpOrders.map((a) => (steps * a) / (2 * 4) + Math.log(1e5) / (a - 1)));
    assert.ok(Math.abs(privacySpent({ sampleRate: 1, noise: 2, steps, delta: 1e-5 }, { conversion: 'classic' }).epsilon - closed) < 1e-12);
  });

  test('integer and fractional orders against the definition integrated numerically', () => {
    for (const [q, s, a] of [
      [0.01, 1.1, 2],
      [0.01, 1.1, 8],
      [0.05, 0.8, 3.5],
      [0.01, 1.1, 8.8],
      [0.2, 2, 12.3],
    ]) {
      const got = sampledGaussianRdp(q, s, a);
      const expected = rdpByIntegration(q, s, a);
      assert.ok(Math.abs(got - expected) <= 1e-4 * Math.abs(expected) + 1e-9, `q ${q} sigma ${s} order ${a}: ${got} vs ${expected}`);
    }
    // The fractional series is continuous with the integer sum.
    assert.ok(Math.abs(sampledGaussianRdp(0.01, 1.1, 8 + 1e-7) - sampledGaussianRdp(0.01, 1.1, 8)) < 1e-6);
  });

  test('noiseForEpsilon: the smallest noise meeting the target, epsilon at most the target', () => {
    const r = noiseForEpsilon({ targetEpsilon: 8, sampleRate: 0.01, steps: 5000, delta: 1e-5 });
    assert.ok(r.epsilon <= 8);
    assert.ok(privacySpent({ sampleRate: 0.01, noise: r.noise * (1 - 1e-3), steps: 5000, delta: 1e-5 }).epsilon > 8, 'a little less noise overspends');
    const back = privacySpent({ sampleRate: 0.01, noise: r.noise, steps: 5000, delta: 1e-5 });
    assert.equal(back.epsilon, r.epsilon);
  });

  test('logErfc is log(erfc) and stays finite far in the tail; bad inputs are errors', () => {
    for (const x of [-3, -0.5, 0, 0.7, 2, 5]) {
      const erfc = 1 - Math.sign(x) * (1 - Math.exp(logErfc(Math.abs(x))));
      assert.ok(Math.abs(Math.exp(logErfc(x)) - erfc) < 1e-6);
    }
    assert.ok(Math.abs(logErfc(30) - (-900 - Math.log(30 * Math.sqrt(Math.PI)))) < 1e-3);
    assert.throws(() => sampledGaussianRdp(1.5, 1, 2), /sample rate: expected a number in \[0, 1\], found 1.5/);
    assert.throws(() => sampledGaussianRdp(0.1, 0, 2), /noise multiplier: expected a number > 0/);
    assert.throws(() => privacySpent({ sampleRate: 0.1, noise: 1, steps: 10, delta: 0 }), /delta: expected a number in \(0, 1\)/);
    assert.throws(() => noiseForEpsilon({ targetEpsilon: 0, sampleRate: 0.1, steps: 10, delta: 1e-5 }), /target epsilon: expected a finite number > 0/);
  });
});
