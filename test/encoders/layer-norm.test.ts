import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { applyLayerNorm, createLayerNorm } from '../../src/encoders/layer-norm';
import { createParamScope, disposeScope } from '../../src/encoders/param-scope';
import { assertClose, assertGradients, assertInputError, normalValues, numericGradient, randomTensor, useCpuBackend } from './helpers';

function naiveLayerNorm(x: ArrayLike<number>, d: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j] / d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x[r * d + j] - mean) ** 2 / d;
    for (let j = 0; j < d; j++) out[r * d + j] = (gamma[j] * (x[r * d + j] - mean)) / Math.sqrt(variance + eps) + beta[j];
  }
  return out;
}

describe('layer norm', () => {
  useCpuBackend();

  test('matches a naive loop over rows, on rank 3', () => {
    const scope = createParamScope('ln_t', 0);
    const ln = createLayerNorm(scope.child('ln'), 4, { epsilon: 1e-6 });
    tf.tidy(() => {
      ln.gamma.assign(tf.tensor([1, 2, -1, 0.5]));
      ln.beta.assign(tf.tensor([0, 0.1, 0.2, -0.3]));
    });
    const x = randomTensor([2, 3, 4], 5, 3);
    const y = applyLayerNorm(ln, x);
    assert.deepEqual(y.shape, [2, 3, 4]);
    assertClose(y.dataSync(), naiveLayerNorm(x.dataSync(), 4, ln.gamma.dataSync(), ln.beta.dataSync(), 1e-6), 1e-5, 1e-4);
    assertGradients(scope.variables, () => applyLayerNorm(ln, x));
    const wrong = tf.zeros([2, 5]);
    assertInputError(() => applyLayerNorm(ln, wrong), 'ln_t/ln/gamma');
    tf.dispose([x, y, wrong]);
    disposeScope(scope);
  });

  test('input gradient matches finite differences', () => {
    const scope = createParamScope('ln_g', 0);
    const ln = createLayerNorm(scope.child('ln'), 3);
    const xv = normalValues(6, 8);
    const wv = normalValues(6, 9);
    const gamma = ln.gamma.dataSync();
    const beta = ln.beta.dataSync();
    const loss = (x: ArrayLike<number>): number => naiveLayerNorm(x, 3, gamma, beta, 1e-5).reduce((s, v, i) => s + v * wv[i], 0);
    const dx = tf.tidy(() => {
      const w = tf.tensor2d(wv, [2, 3]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(applyLayerNorm(ln, x), w)))(tf.tensor2d(xv, [2, 3]));
    });
    assertClose(dx.dataSync(), numericGradient(loss, Float32Array.from(xv), 1e-3), 2e-3, 2e-3, 'dx');
    dx.dispose();
    disposeScope(scope);
  });
});
