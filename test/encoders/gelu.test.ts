import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gelu } from '../../src/encoders/gelu';
import { activate } from '../../src/encoders/activation';
import { assertClose, useCpuBackend } from './helpers';

/** Standard normal CDF by numerically integrating the density (Simpson, fine grid). */
function phi(x: number): number {
  const n = 4000;
  const a = -10;
  const h = (x - a) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = a + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * Math.exp(-0.5 * t * t);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

describe('gelu', () => {
  useCpuBackend();
  const xs = [-4, -2.5, -1, -0.3, 0, 0.2, 0.7, 1.5, 3];

  test('exact form is x * Phi(x)', () => {
    const y = gelu(tf.tensor1d(xs));
    assertClose(y.dataSync(), xs.map((x) => x * phi(x)), 1e-5, 1e-5);
    y.dispose();
  });

  test('tanh approximation matches its formula and is close to the exact form', () => {
    const y = gelu(tf.tensor1d(xs), { approximate: 'tanh' });
    const formula = xs.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    assertClose(y.dataSync(), formula, 1e-5, 1e-5);
    assertClose(y.dataSync(), xs.map((x) => x * phi(x)), 2e-3, 0);
    y.dispose();
  });

  test('gradient is Phi(x) + x * density(x), and activate dispatches', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(gelu(x)))(tf.tensor1d(xs));
    const expected = xs.map((x) => phi(x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI));
    assertClose(g.dataSync(), expected, 1e-4, 1e-4);
    const r = activate(tf.tensor1d([-1, 2]), 'relu');
    assert.deepEqual(Array.from(r.dataSync()), [0, 2]);
    tf.dispose([g, r]);
  });
});
