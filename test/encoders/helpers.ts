// Shared helpers for the encoder tests (not a test file itself).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { createRng } from '../../src/util/rng';
import { InputError } from '../../src/util/errors';
import { relativeVariableName } from '../../src/encoders/param-scope';

/** Runs the file's tests on the pure-JS cpu backend (until src/backend exists). */
export function useCpuBackend(): void {
  before(async () => {
    await tf.setBackend('cpu');
  });
}

/** Standard-normal values from a seeded Rng. */
export function normalValues(size: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = scale * rng.normal();
  return out;
}

/** A tensor of seeded standard-normal values. */
export function randomTensor<R extends tf.Rank>(shape: number[], seed: number, scale = 1): tf.Tensor<R> {
  return tf.tensor(normalValues(shape.reduce((a, b) => a * b, 1), seed, scale), shape as tf.ShapeMap[R]) as tf.Tensor<R>;
}

/** Asserts elementwise |a - e| <= atol + rtol |e|. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}[${i}]: ${a} vs expected ${e}`);
    }
  }
}

/** Values of a model's variables (and state) by relative name. */
export function weightsOf(model: { variables: readonly tf.Variable[]; state?: readonly tf.Variable[] }): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const v of [...model.variables, ...(model.state ?? [])]) out.set(relativeVariableName(v.name), v.dataSync() as Float32Array);
  return out;
}

/** Asserts that `fn` throws an InputError whose `where` contains `field`. */
export function assertInputError(fn: () => unknown, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.ok(e.where.includes(field), `expected "${field}" in where "${e.where}"`);
    return true;
  });
}

/**
 * Gradient of `sum(f() * weights)` with respect to every trainable variable in `vars`;
 * asserts each exists, is finite and not all zero, and disposes them.
 */
export function assertGradients(vars: readonly tf.Variable[], f: () => tf.Tensor): void {
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => {
    const y = f();
    const w = tf.tensor(normalValues(y.size, 99), y.shape);
    return tf.sum(tf.mul(y, w)) as tf.Scalar;
  }, [...vars]);
  assert.ok(Number.isFinite(value.dataSync()[0]), 'loss is finite');
  for (const v of vars) {
    const g = grads[v.name];
    assert.ok(g, `gradient for ${v.name}`);
    assert.deepEqual(g.shape, v.shape, `gradient shape of ${v.name}`);
    const data = g.dataSync();
    assert.ok(data.every(Number.isFinite), `finite gradient for ${v.name}`);
    assert.ok(data.some((x) => x !== 0), `non-zero gradient for ${v.name}`);
  }
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind by the gradient computation');
}

/** Central finite-difference gradient of a scalar JS function at `x` (float64). */
export function numericGradient(f: (x: Float32Array) => number, x: Float32Array, h = 1e-2): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + h;
    const up = f(x);
    x[i] = keep - h;
    const down = f(x);
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
