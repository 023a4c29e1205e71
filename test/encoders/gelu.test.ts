import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gelu } from '../../src/encoders/gelu';
import { activate } from '../../src/encoders/activation';
import { geluKernels, hasGeluKernels } from '../../src/encoders/gelu-kernels';
import { initBackend } from '../../src/backend';
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

describe('gelu kernels on wasm (SIMD) against the exact values and the op-by-op form', () => {
  // Many points, including tails and a count that is not a multiple of 4 (SIMD + remainder).
  const xs = Array.from({ length: 403 }, (_, i) => -9 + (18 * i) / 402);

  test('values and gradients match x Phi(x) and Phi(x) + x phi(x)', async () => {
    await initBackend({ backend: 'wasm' });
    assert.equal(hasGeluKernels(), true);
    const x = tf.tensor1d(xs);
    const y = gelu(x);
    const g = tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x);
    assertClose(y.dataSync(), xs.map((v) => v * phi(v)), 2e-6, 1e-6);
    assertClose(g.dataSync(), xs.map((v) => phi(v) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI)), 2e-6, 1e-6);
    tf.dispose([x, y, g]);
  });

  test('the far tails make no denormal floats (they slow every product that reads them): values and gradients are 0 or normal', async () => {
    await initBackend({ backend: 'wasm' });
    const tail = Array.from({ length: 401 }, (_, i) => -40 + (80 * i) / 400);
    const x = tf.tensor1d(tail);
    const dy = tf.fill([tail.length], 1e-3);
    const [y, g] = [gelu(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), dy)))(x)];
    const normalOrZero = (v: number) => v === 0 || Math.abs(v) >= 1.1754944e-38;
    for (const [name, values] of [['gelu', y.dataSync()], ['gradient', g.dataSync()]] as const) {
      values.forEach((v, i) => assert.ok(normalOrZero(v), `${name}(${tail[i]}) = ${v} is denormal`));
    }
    assert.ok(y.dataSync()[0] === 0, `gelu(-40) = ${y.dataSync()[0]}`);
    assertClose(y.dataSync(), tail.map((v) => (v < -10 ? 0 : v * phi(v))), 2e-6, 1e-20);
    tf.dispose([x, dy, y, g]);
  });

  test('agree with the op-by-op form on wasm; NaN stays NaN; no leaks', async () => {
    await initBackend({ backend: 'wasm' });
    const values = [...xs, Number.NaN, 0, -0.0001];
    const run = (): [Float32Array, Float32Array] => {
      const x = tf.tensor1d(values);
      const [y, g] = [gelu(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), tf.sin(t))))(x)];
      const out: [Float32Array, Float32Array] = [Float32Array.from(y.dataSync()), Float32Array.from(g.dataSync())];
      tf.dispose([x, y, g]);
      return out;
    };
    const live = tf.memory().numTensors;
    const fused = run();
    assert.equal(tf.memory().numTensors, live);
    const configs = geluKernels.filter((k) => k.backendName === 'wasm');
    for (const k of configs) tf.unregisterKernel(k.kernelName, 'wasm');
    let byOps: [Float32Array, Float32Array];
    try {
      byOps = run();
    } finally {
      for (const k of configs) tf.registerKernel(k);
    }
    for (const part of [0, 1]) {
      assert.ok(Number.isNaN(fused[part][xs.length]), 'NaN in, NaN out');
      const a = fused[part].filter((_, i) => i !== xs.length);
      const b = byOps[part].filter((_, i) => i !== xs.length);
      assertClose(a, Array.from(b), 2e-6, 1e-6);
    }
  });
});
