import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { applyBatchNorm, createBatchNorm } from '../../src/encoders/batch-norm';
import { createParamScope, disposeScope } from '../../src/encoders/param-scope';
import { initBackend } from '../../src/backend';
import { nativeBlas, nativeBlasUnavailableReason } from '../../src/backend/native/native-blas';
import { hasBatchNormKernels } from '../../src/encoders/batch-norm-kernels';
import { assertClose, assertInputError, normalValues, numericGradient, randomTensor, useCpuBackend } from './helpers';

/** Per-channel mean and biased variance of row-major `[rows, c]` data. */
function naiveMoments(x: ArrayLike<number>, c: number): { mean: number[]; variance: number[] } {
  const rows = x.length / c;
  const mean = Array.from({ length: c }, (_, j) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * c + j];
    return s / rows;
  });
  const variance = mean.map((m, j) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (x[r * c + j] - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
}

function naiveNormalize(x: ArrayLike<number>, c: number, mean: number[], variance: number[], gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % c;
    out[i] = (gamma[j] * (x[i] - mean[j])) / Math.sqrt(variance[j] + eps) + beta[j];
  }
  return out;
}

describe('batch norm', () => {
  useCpuBackend();

  test('training mode uses batch statistics and updates running ones; eval mode uses running ones', () => {
    const scope = createParamScope('bn_t', 0);
    const c = 3;
    const bn = createBatchNorm(scope.child('bn'), c, { momentum: 0.8, epsilon: 1e-3 });
    assert.deepEqual(scope.variables.map((v) => v.name), ['bn_t/bn/gamma', 'bn_t/bn/beta']);
    assert.deepEqual(scope.state.map((v) => v.name), ['bn_t/bn/moving_mean', 'bn_t/bn/moving_variance']);
    tf.tidy(() => {
      bn.gamma.assign(tf.tensor([1.5, 0.5, -1]));
      bn.beta.assign(tf.tensor([0.1, 0.2, 0.3]));
    });
    const gamma = bn.gamma.dataSync();
    const beta = bn.beta.dataSync();
    let runMean = [0, 0, 0];
    let runVar = [1, 1, 1];
    for (let step = 0; step < 3; step++) {
      const x = randomTensor<tf.Rank.R4>([2, 3, 2, c], 10 + step, 2);
      const offset = tf.tensor([1, -2, 0.5]);
      const shifted = tf.add(x, offset) as tf.Tensor4D;
      const xs = shifted.dataSync();
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => applyBatchNorm(bn, shifted, true));
      assert.equal(tf.memory().numTensors, before + 1, 'only the output is new');
      assert.deepEqual(y.shape, [2, 3, 2, c]);
      const { mean, variance } = naiveMoments(xs, c);
      assertClose(y.dataSync(), naiveNormalize(xs, c, mean, variance, gamma, beta, 1e-3), 1e-4, 1e-4, 'training output');
      const n = xs.length / c;
      runMean = runMean.map((r, j) => 0.8 * r + 0.2 * mean[j]);
      runVar = runVar.map((r, j) => 0.8 * r + 0.2 * variance[j] * (n / (n - 1)));
      assertClose(bn.movingMean.dataSync(), runMean, 1e-5, 1e-4, 'running mean');
      assertClose(bn.movingVariance.dataSync(), runVar, 1e-5, 1e-4, 'running variance');
      tf.dispose([x, offset, shifted, y]);
    }
    const x = randomTensor<tf.Rank.R2>([5, c], 20);
    const y = applyBatchNorm(bn, x, false);
    assertClose(y.dataSync(), naiveNormalize(x.dataSync(), c, runMean, runVar, gamma, beta, 1e-3), 1e-5, 1e-4, 'eval output');
    assertClose(bn.movingMean.dataSync(), runMean, 1e-6, 1e-6, 'eval leaves running mean alone');
    tf.dispose([x, y]);
    disposeScope(scope);
  });

  test('gradients match finite differences (x, gamma, beta)', () => {
    const scope = createParamScope('bn_g', 0);
    const c = 2;
    const bn = createBatchNorm(scope.child('bn'), c);
    tf.tidy(() => {
      bn.gamma.assign(tf.tensor([1.3, -0.7]));
      bn.beta.assign(tf.tensor([0.2, -0.1]));
    });
    const xv = normalValues(8 * c, 3);
    const wv = normalValues(8 * c, 4);
    const loss = (x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>): number => {
      const { mean, variance } = naiveMoments(x, c);
      const y = naiveNormalize(x, c, mean, variance, gamma, beta, 1e-5);
      return y.reduce((s, v, i) => s + v * wv[i], 0);
    };
    const gammaV = Float32Array.from(bn.gamma.dataSync());
    const betaV = Float32Array.from(bn.beta.dataSync());
    const before = tf.memory().numTensors;
    const { grads, value } = tf.tidy(() => {
      const x = tf.tensor2d(xv, [8, c]);
      const w = tf.tensor2d(wv, [8, c]);
      const f = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(applyBatchNorm(bn, input, true), w));
      const dx = tf.grad(f)(x);
      const g = tf.variableGrads(() => f(x), [bn.gamma, bn.beta]).grads;
      return { grads: { dx, dgamma: g[bn.gamma.name], dbeta: g[bn.beta.name] }, value: f(x) };
    });
    assert.ok(Math.abs(value.dataSync()[0] - loss(xv, gammaV, betaV)) < 1e-4);
    assertClose(grads.dx.dataSync(), numericGradient((x) => loss(x, gammaV, betaV), Float32Array.from(xv), 1e-3), 2e-3, 2e-3, 'dx');
    assertClose(grads.dgamma.dataSync(), numericGradient((g) => loss(xv, g, betaV), gammaV, 1e-3), 2e-3, 2e-3, 'dgamma');
    assertClose(grads.dbeta.dataSync(), numericGradient((b) => loss(xv, gammaV, b), betaV, 1e-3), 2e-3, 2e-3, 'dbeta');
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before);
    disposeScope(scope);
  });

  test('wrong channel count is an InputError', () => {
    const scope = createParamScope('bn_e', 0);
    const bn = createBatchNorm(scope.child('bn'), 3);
    const x = tf.zeros([2, 4]);
    assertInputError(() => applyBatchNorm(bn, x, true), 'bn_e/bn/gamma');
    x.dispose();
    disposeScope(scope);
  });
});

// The fused kernels run where the native binding runs the products (CI builds it).
const noBinding = nativeBlas() === null ? `native binding not in use: ${nativeBlasUnavailableReason() ?? ''}` : false;

describe('batch norm of feature maps by the fused kernels of the native path', { skip: noBinding }, () => {
  test('matches the ops (rows of the same values) in output, running statistics and every gradient; no leaks', async () => {
    await initBackend({ backend: 'wasm' });
    assert.ok(hasBatchNormKernels());
    const [n, h, w, c] = [3, 5, 4, 6];
    const values = normalValues(n * h * w * c, 11).map((v, i) => 2 * v + (i % c));
    const x4 = tf.tensor4d(values, [n, h, w, c]);
    const x2 = tf.reshape(x4, [-1, c]) as tf.Tensor2D;
    const dy = tf.tensor2d(normalValues(n * h * w * c, 12), [n * h * w, c]);
    const run = (name: string, x: tf.Tensor) => {
      const scope = createParamScope(name, 0);
      const bn = createBatchNorm(scope.child('bn'), c, { momentum: 0.7, epsilon: 1e-3 });
      bn.gamma.assign(tf.tensor1d(normalValues(c, 13)));
      bn.beta.assign(tf.tensor1d(normalValues(c, 14)));
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.reshape(applyBatchNorm(bn, x, true), [-1, c]), dy)), [bn.gamma, bn.beta]);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.reshape(applyBatchNorm(bn, input, true), [-1, c]), dy)))(x);
      const y = tf.tidy(() => applyBatchNorm(bn, x, true));
      const out = {
        y: y.dataSync().slice(),
        dx: dx.dataSync().slice(),
        dGamma: grads[bn.gamma.name].dataSync().slice(),
        dBeta: grads[bn.beta.name].dataSync().slice(),
        loss: value.dataSync()[0],
        movingMean: bn.movingMean.dataSync().slice(),
        movingVariance: bn.movingVariance.dataSync().slice(),
      };
      tf.dispose([value, dx, y, ...Object.values(grads)]);
      assert.equal(tf.memory().numTensors, before, `${name}: tensors left behind`);
      disposeScope(scope);
      return out;
    };
    const fused = run('bn_fused', x4);
    const ops = run('bn_ops', x2);
    for (const key of ['y', 'dx', 'dGamma', 'dBeta', 'movingMean', 'movingVariance'] as const) {
      assertClose(fused[key], ops[key], 1e-4, 1e-4, key);
    }
    assert.ok(Math.abs(fused.loss - ops.loss) <= 1e-4 * Math.max(1, Math.abs(ops.loss)));
    tf.dispose([x4, x2, dy]);
  });
});
