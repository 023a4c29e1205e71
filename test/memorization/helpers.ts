// Shared fixtures for the memorization tests: a tiny linear encoder, a seeded affine
// augmentation, and plain-JS versions of both for naive reference loops.
import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../../src/augment/augmentation';
import type { Rng } from '../../src/util/rng';
import { createRng } from '../../src/util/rng';
import { scoringViewRng } from '../../src/memorization/view-rng';

export const SHAPE: [number, number, number] = [2, 3, 2];
export const PIXELS = SHAPE[0] * SHAPE[1] * SHAPE[2];

/** Random images `[n, ...SHAPE]` in [0, 1], as JS rows. */
export function randomImages(n: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: PIXELS }, () => rng.next()));
}

export function imagesTensor(rows: Float32Array[]): tf.Tensor4D {
  const flat = new Float32Array(rows.length * PIXELS);
  rows.forEach((r, i) => flat.set(r, i * PIXELS));
  return tf.tensor4d(flat, [rows.length, ...SHAPE]);
}

/** A fixed random linear map [PIXELS, dim] as JS rows (weights[p][j]). */
export function randomWeights(dim: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: PIXELS }, () => Array.from({ length: dim }, () => rng.normal()));
}

/** A linear "encoder" x -> flatten(x) W, with W held in a tensor the caller disposes. */
export function linearRepresenter(weights: number[][]): { represent: (x: tf.Tensor4D) => tf.Tensor2D; w: tf.Tensor2D } {
  const w = tf.tensor2d(weights);
  return { w, represent: (x) => tf.matMul(tf.reshape(x, [x.shape[0], PIXELS]), w) };
}

export function linearJs(weights: number[][], pixels: ArrayLike<number>): number[] {
  const dim = weights[0].length;
  const out = new Array<number>(dim).fill(0);
  for (let p = 0; p < PIXELS; p++) for (let j = 0; j < dim; j++) out[j] += pixels[p] * weights[p][j];
  return out;
}

/** Per-image params of the test augmentation, drawn in image order: scale, then shift. */
function drawParams(rng: Rng, m: number): Array<[number, number]> {
  return Array.from({ length: m }, () => [rng.uniform(0.5, 1.5), rng.uniform(-0.2, 0.2)] as [number, number]);
}

/** Test augmentation: x * s_i + u_i per image i, (s_i, u_i) from rng in image order. */
export const affineAugment: Augmentation = (images, rng) => {
  const m = images.shape[0];
  const params = drawParams(rng, m);
  return tf.tidy(() => {
    const s = tf.tensor4d(params.map((p) => p[0]), [m, 1, 1, 1]);
    const u = tf.tensor4d(params.map((p) => p[1]), [m, 1, 1, 1]);
    return tf.add(tf.mul(images, s), u) as tf.Tensor4D;
  });
};

/** The test augmentation's view of every image of one batch, in plain JS. */
export function affineAugmentJs(batch: Float32Array[], rng: Rng): Float32Array[] {
  const params = drawParams(rng, batch.length);
  return batch.map((img, i) => img.map((v) => v * params[i][0] + params[i][1]));
}

function normalizeJs(z: number[]): number[] {
  const norm = Math.sqrt(z.reduce((s, v) => s + v * v, 0));
  return z.map((v) => v / Math.max(norm, 1e-12));
}

function distJs(a: number[], b: number[]): number {
  return Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0));
}

/**
 * Naive alignment loss: for every point, pair and view, build the view with the documented
 * per-point generator (`scoringViewRng(seed, key, pair, view)`, key = the point's row
 * unless `keys` names it), represent it with plain loops, and average distances.
 */
export function naiveAlignmentLoss(
  weights: number[][],
  images: Float32Array[],
  o: { pairs: number; seed: number; normalize: boolean; mode: 'pairs' | 'clean'; keys?: readonly string[] },
): number[] {
  const enc = (x: ArrayLike<number>): number[] => (o.normalize ? normalizeJs(linearJs(weights, x)) : linearJs(weights, x));
  return images.map((image, i) => {
    const key = o.keys?.[i] ?? String(i);
    let sum = 0;
    for (let k = 0; k < o.pairs; k++) {
      const [va] = affineAugmentJs([image], scoringViewRng(o.seed, key, k, 0));
      const vb = o.mode === 'pairs' ? affineAugmentJs([image], scoringViewRng(o.seed, key, k, 1))[0] : image;
      sum += distJs(enc(va), enc(vb)) / o.pairs;
    }
    return sum;
  });
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i]));
    if (!ok) throw new Error(`index ${i}: expected ${expected[i]}, got ${actual[i]}`);
  }
}
