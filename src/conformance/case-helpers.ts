import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../util/rng';

/** A tensor of seeded standard-normal values times `scale` (the same numbers on every backend). */
export function seeded(shape: readonly number[], seed: number, scale = 1): tf.Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = scale * rng.normal();
  return tf.tensor(values, shape as number[]);
}

/** Seeded uniform values in [0, 1) of image shape `[n, h, w, c]`. */
export function seededImages(n: number, shape: readonly [number, number, number], seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const values = new Float32Array(n * shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < values.length; i++) values[i] = rng.next();
  return tf.tensor4d(values, [n, ...shape]);
}

/** Copies of the values of `tensors` (read back synchronously), so they outlive the tensors. */
export function valuesOf(tensors: readonly tf.Tensor[]): Float32Array[] {
  return tensors.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
}

/**
 * The forward values of `f(...inputs)` and its gradients with respect to every input, for
 * the loss `sum(f(...) * g)` with a seeded upstream gradient `g` (so no gradient is a
 * plain sum of ones). Everything runs in a `tf.tidy`.
 */
export function forwardAndGrads(shapes: readonly (readonly number[])[], f: (...xs: tf.Tensor[]) => tf.Tensor, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const xs = shapes.map((s, i) => seeded(s, seed + i));
    const y = f(...xs);
    const g = seeded(y.shape, seed + 100);
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), g)))(xs);
    return valuesOf([y, ...grads]);
  });
}

/** `[a,b] x [c,d]`: shapes joined as the table prints them. */
export function shapeText(...shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => `[${s.join(',')}]`).join(' x ');
}
