import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { maskedPatchMse } from '../../src/losses/masked-patch-mse';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

type Patches = number[][][]; // [n][tokens][p]

function randomPatches(n: number, tokens: number, p: number, seed: number, scale = 1, offset = 0): Patches {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: tokens }, () => Array.from({ length: p }, () => offset + scale * rng.normal())));
}

/** A mask `[n][tokens]` (1 = masked) with `masked` random tokens per image, at least one visible. */
function randomMask(n: number, tokens: number, masked: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const row = new Array<number>(tokens).fill(0);
    Array.from(rng.permutation(tokens).subarray(0, masked)).forEach((t) => (row[t] = 1));
    return row;
  });
}

/** Each patch standardised with its biased variance: `(x - mean) / sqrt(var + eps)`. */
function naiveNormalize(patch: number[], eps: number): number[] {
  const mean = patch.reduce((s, x) => s + x, 0) / patch.length;
  const variance = patch.reduce((s, x) => s + (x - mean) ** 2, 0) / patch.length;
  return patch.map((x) => (x - mean) / Math.sqrt(variance + eps));
}

/** Mean over masked patches of the mean over the patch's pixels of the squared error. */
function naiveMaskedMse(pred: Patches, target: Patches, mask: number[][], normalizeTarget: boolean, eps = 1e-6): number {
  let total = 0;
  let count = 0;
  for (let b = 0; b < pred.length; b++) {
    for (let t = 0; t < pred[b].length; t++) {
      if (mask[b][t] !== 1) continue;
      const y = normalizeTarget ? naiveNormalize(target[b][t], eps) : target[b][t];
      total += pred[b][t].reduce((s, x, k) => s + (x - y[k]) ** 2, 0) / y.length;
      count++;
    }
  }
  return total / Math.max(count, 1);
}

function loss(pred: Patches, target: Patches, mask: number[][], normalizeTarget: boolean): number {
  return tf.tidy(() => maskedPatchMse(tf.tensor3d(pred), tf.tensor3d(target), tf.tensor2d(mask), { normalizeTarget }).dataSync()[0]);
}

describe('maskedPatchMse', () => {
  test('equals the naive loop with and without per-patch normalisation (biased variance, eps 1e-6)', () => {
    for (const [n, tokens, p, masked, seed] of [
      [1, 4, 3, 1, 1],
      [2, 9, 4, 6, 2],
      [3, 16, 12, 12, 3],
    ]) {
      const pred = randomPatches(n, tokens, p, seed);
      const target = randomPatches(n, tokens, p, seed + 40, 2, 0.5);
      const mask = randomMask(n, tokens, masked, seed + 80);
      for (const normalizeTarget of [true, false]) {
        const expected = naiveMaskedMse(pred, target, mask, normalizeTarget);
        const got = loss(pred, target, mask, normalizeTarget);
        assert.ok(Math.abs(got - expected) < 1e-5 * Math.max(1, expected), `n ${n} tokens ${tokens} norm ${normalizeTarget}: ${got} vs ${expected}`);
      }
    }
  });

  test('normalisation is the default; a constant patch normalises to 0 (eps keeps it finite); options.epsilon is used', () => {
    const pred = randomPatches(1, 2, 4, 5);
    const target = [[[3, 3, 3, 3], [1, 2, 3, 4]]];
    const mask = [[1, 1]];
    const byDefault = tf.tidy(() => maskedPatchMse(tf.tensor3d(pred), tf.tensor3d(target), tf.tensor2d(mask)).dataSync()[0]);
    assert.ok(Math.abs(byDefault - naiveMaskedMse(pred, target, mask, true)) < 1e-5);
    assert.ok(Number.isFinite(byDefault));
    const wide = tf.tidy(() => maskedPatchMse(tf.tensor3d(pred), tf.tensor3d(target), tf.tensor2d(mask), { epsilon: 1 }).dataSync()[0]);
    assert.ok(Math.abs(wide - naiveMaskedMse(pred, target, mask, true, 1)) < 1e-5);
    // a perfect prediction of the normalised target scores 0
    const perfect = [target[0].map((patch) => naiveNormalize(patch, 1e-6))];
    assert.ok(loss(perfect, target, mask, true) < 1e-8);
    assert.ok(loss(target, target, mask, false) === 0);
  });

  test('visible patches do not affect the loss; a mask with nothing masked gives 0', () => {
    const pred = randomPatches(2, 6, 5, 11);
    const target = randomPatches(2, 6, 5, 12);
    const mask = randomMask(2, 6, 3, 13);
    for (const normalizeTarget of [true, false]) {
      const base = loss(pred, target, mask, normalizeTarget);
      const scramble = (x: Patches, seed: number): Patches => {
        const other = randomPatches(2, 6, 5, seed, 10, 3);
        return x.map((img, b) => img.map((patch, t) => (mask[b][t] === 1 ? patch : other[b][t])));
      };
      assert.ok(Math.abs(loss(scramble(pred, 14), scramble(target, 15), mask, normalizeTarget) - base) < 1e-6, `norm ${normalizeTarget}`);
      assert.equal(loss(pred, target, mask.map((r) => r.map(() => 0)), normalizeTarget), 0);
    }
  });

  test('gradient w.r.t. the prediction is zero on visible patches and 2 (pred - target) / (p masked) on masked ones', () => {
    const [n, tokens, p] = [2, 5, 3];
    const pred = randomPatches(n, tokens, p, 21);
    const target = randomPatches(n, tokens, p, 22);
    const mask = randomMask(n, tokens, 3, 23);
    const count = mask.flat().reduce((s, m) => s + m, 0);
    for (const normalizeTarget of [true, false]) {
      const grad = tf.tidy(() =>
        tf.grad((x: tf.Tensor) => maskedPatchMse(x as tf.Tensor3D, tf.tensor3d(target), tf.tensor2d(mask), { normalizeTarget }))(tf.tensor3d(pred)).arraySync(),
      ) as Patches;
      for (let b = 0; b < n; b++) {
        for (let t = 0; t < tokens; t++) {
          const y = normalizeTarget ? naiveNormalize(target[b][t], 1e-6) : target[b][t];
          for (let k = 0; k < p; k++) {
            if (mask[b][t] === 0) {
              assert.ok(grad[b][t][k] === 0, `visible [${b}, ${t}, ${k}]: ${grad[b][t][k]}`);
            } else {
              const analytic = (2 * (pred[b][t][k] - y[k])) / (p * count);
              assert.ok(Math.abs(grad[b][t][k] - analytic) < 1e-5, `masked [${b}, ${t}, ${k}] ${grad[b][t][k]} vs ${analytic}`);
            }
          }
        }
      }
    }
  });

  test('bad shapes are InputErrors; no tensors leak', () => {
    const pred = tf.tensor3d(randomPatches(2, 4, 3, 1));
    const target = tf.tensor3d(randomPatches(2, 4, 3, 2));
    const other = tf.tensor3d(randomPatches(2, 4, 2, 3));
    const mask = tf.tensor2d(randomMask(2, 4, 2, 4));
    const badMask = tf.tensor2d(randomMask(2, 3, 1, 5));
    assert.throws(() => maskedPatchMse(other, target, mask), (e: unknown) => e instanceof InputError && /maskedPatchMse prediction: expected \[2, 4, 3\] like the target, found \[2, 4, 2\]/.test(e.message));
    assert.throws(() => maskedPatchMse(pred, target, badMask), (e: unknown) => e instanceof InputError && /maskedPatchMse mask: expected \[2, 4\], found \[2, 3\]/.test(e.message));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      maskedPatchMse(pred, target, mask).dispose();
      maskedPatchMse(pred, target, mask, { normalizeTarget: false }).dispose();
      tf.grad((x: tf.Tensor) => maskedPatchMse(x as tf.Tensor3D, target, mask))(pred).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    for (const t of [pred, target, other, mask, badMask]) t.dispose();
  });
});
