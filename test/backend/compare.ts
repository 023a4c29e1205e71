// Helpers for comparing wasm kernels with the cpu backend (not a test file itself).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/util/rng';

/** Float32 values uniform in [lo, hi). */
export function randomValues(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** max |a - b| / max |b| (0 when both are zero). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'length');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  if (Number.isNaN(diff)) return Infinity;
  return scale === 0 ? diff : diff / scale;
}

export interface Result {
  shapes: number[][];
  values: Float32Array[];
}

/** Runs `f` on backend `name` inside a tidy and returns its outputs' shapes and values. */
export async function onBackend(name: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Result> {
  await tf.setBackend(name);
  quiet();
  const outs = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const result = {
    shapes: outs.map((t) => t.shape.slice()),
    values: outs.map((t) => Float32Array.from(t.dataSync())),
  };
  tf.dispose(outs);
  return result;
}

/** Asserts equal shapes and relative error <= tol for every output. */
export function assertClose(actual: Result, expected: Result, tol: number, label: string): void {
  assert.deepEqual(actual.shapes, expected.shapes, `${label}: shapes`);
  actual.values.forEach((v, i) => {
    const err = relativeError(v, expected.values[i]);
    assert.ok(err <= tol, `${label}: output ${i} relative error ${err.toExponential(2)} > ${tol}`);
  });
}

/**
 * Compares `f` (forward) and its gradients with respect to every input (through
 * `tf.grads` with a random upstream gradient) on wasm against cpu.
 */
export async function compareWithCpu(
  rng: Rng,
  label: string,
  shapes: number[][],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  options: { tol?: number; lo?: number; hi?: number; grad?: boolean; backend?: string } = {},
): Promise<void> {
  const tol = options.tol ?? 1e-4;
  const inputs = shapes.map((s) => randomValues(rng, s.reduce((p, q) => p * q, 1), options.lo, options.hi));
  const make = () => inputs.map((v, i) => tf.tensor(v, shapes[i]));
  const forward = () => f(...make());
  const cpuForward = await onBackend('cpu', forward);
  const dyValues = randomValues(rng, cpuForward.values[0].length);
  const dyShape = cpuForward.shapes[0];
  const backward = () => tf.grads((...xs: tf.Tensor[]) => f(...xs))(make(), tf.tensor(dyValues, dyShape));
  const cpuBackward = options.grad === false ? null : await onBackend('cpu', backward);
  const target = options.backend ?? 'wasm';
  await tf.setBackend(target);
  const before = tf.memory().numTensors;
  const dataBefore = tf.backend().numDataIds();
  const wasmForward = await onBackend(target, forward);
  assertClose(wasmForward, cpuForward, tol, `${label} forward`);
  if (cpuBackward != null) {
    const wasmBackward = await onBackend(target, backward);
    assertClose(wasmBackward, cpuBackward, tol, `${label} gradient`);
  }
  assert.equal(tf.memory().numTensors, before, `${label}: tensors leaked`);
  assert.equal(tf.backend().numDataIds(), dataBefore, `${label}: backend data leaked (kernel temporaries)`);
}

/** Stops the cpu backend's one-time "install tfjs-node" banner. */
function quiet(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
}
