// Shared helpers for the augment tests (not a test file itself).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Seeded random images `[batch, h, w, c]` in [0, 1]. */
export function randomImages(batch: number, height: number, width: number, channels: number, seed = 7): tf.Tensor4D {
  const rng = createRng(seed);
  const values = new Float32Array(batch * height * width * channels);
  for (let i = 0; i < values.length; i++) values[i] = rng.next();
  return tf.tensor4d(values, [batch, height, width, channels]);
}

/** Images whose value at (b, y, x, c) is `f(b, y, x, c)`. */
export function imagesFrom(
  shape: [number, number, number, number],
  f: (b: number, y: number, x: number, c: number) => number,
): tf.Tensor4D {
  const [batch, height, width, channels] = shape;
  const values = new Float32Array(batch * height * width * channels);
  let j = 0;
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) values[j++] = f(b, y, x, c);
  return tf.tensor4d(values, shape);
}

/** Value accessor for a 4-D tensor's data. */
export function at(t: tf.Tensor4D): (b: number, y: number, x: number, c: number) => number {
  const [, h, w, ch] = t.shape;
  const v = t.dataSync();
  return (b, y, x, c) => v[((b * h + y) * w + x) * ch + c];
}

/** Largest absolute difference between two same-shape tensors. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Asserts that two tensors hold exactly the same values. */
export function assertSameValues(a: tf.Tensor, b: tf.Tensor, message?: string): void {
  assert.deepEqual(a.shape, b.shape, message);
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), message);
}

/** Runs `f` (which returns tensors the caller disposes) and checks the tensor count is back where it started. */
export function assertNoLeak(f: () => tf.Tensor | tf.Tensor[]): void {
  const before = tf.memory().numTensors;
  tf.dispose(f());
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
}

/** Asserts that `f` throws an InputError whose message names `option`. */
export function assertRejects(f: () => unknown, option: string): void {
  assert.throws(f, (error: unknown) => {
    assert.ok(error instanceof Error && error.name === 'InputError', `expected an InputError, got ${String(error)}`);
    assert.ok(error.message.includes(option), `message "${error.message}" does not name ${option}`);
    return true;
  });
}

/**
 * Naive bilinear sample of image `b`, channel `c` at the real point (y, x); pixels outside
 * the image read as `fill` (TensorFlow's constant fill).
 */
export function bilinearAt(
  get: (b: number, y: number, x: number, c: number) => number,
  height: number,
  width: number,
  b: number,
  y: number,
  x: number,
  c: number,
  fill = 0,
): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const dy = y - y0;
  const dx = x - x0;
  const read = (yy: number, xx: number) => (yy < 0 || yy >= height || xx < 0 || xx >= width ? fill : get(b, yy, xx, c));
  return (1 - dy) * ((1 - dx) * read(y0, x0) + dx * read(y0, x0 + 1)) + dy * ((1 - dx) * read(y0 + 1, x0) + dx * read(y0 + 1, x0 + 1));
}
