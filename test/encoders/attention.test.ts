import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { applyMultiHeadAttention, createMultiHeadAttention, scaledDotProductAttention, type MultiHeadAttentionLayer } from '../../src/encoders/attention';
import { createParamScope, disposeScope } from '../../src/encoders/param-scope';
import { assertClose, assertGradients, assertInputError, normalValues, numericGradient, randomTensor, useCpuBackend } from './helpers';

/** Multi-head self-attention by explicit loops over batch, head, query and key. */
function naiveAttention(x: ArrayLike<number>, batch: number, tokens: number, dim: number, heads: number, w: {
  qkv: ArrayLike<number>; qkvBias: ArrayLike<number>; proj: ArrayLike<number>; projBias: ArrayLike<number>;
}): Float64Array {
  const dh = dim / heads;
  const out = new Float64Array(batch * tokens * dim);
  const project = (b: number, t: number, col: number): number => {
    let s = w.qkvBias[col];
    for (let i = 0; i < dim; i++) s += x[(b * tokens + t) * dim + i] * w.qkv[i * 3 * dim + col];
    return s;
  };
  for (let b = 0; b < batch; b++) {
    const concat = Array.from({ length: tokens }, () => new Float64Array(dim));
    for (let h = 0; h < heads; h++) {
      const q = Array.from({ length: tokens }, (_, t) => Array.from({ length: dh }, (_, j) => project(b, t, h * dh + j)));
      const k = Array.from({ length: tokens }, (_, t) => Array.from({ length: dh }, (_, j) => project(b, t, dim + h * dh + j)));
      const v = Array.from({ length: tokens }, (_, t) => Array.from({ length: dh }, (_, j) => project(b, t, 2 * dim + h * dh + j)));
      for (let t = 0; t < tokens; t++) {
        const scores = k.map((kk) => kk.reduce((s, kv, j) => s + kv * q[t][j], 0) / Math.sqrt(dh));
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, c) => a + c, 0);
        for (let j = 0; j < dh; j++) {
          let s = 0;
          for (let u = 0; u < tokens; u++) s += (e[u] / z) * v[u][j];
          concat[t][h * dh + j] = s;
        }
      }
    }
    for (let t = 0; t < tokens; t++) {
      for (let o = 0; o < dim; o++) {
        let s = w.projBias[o];
        for (let i = 0; i < dim; i++) s += concat[t][i] * w.proj[i * dim + o];
        out[(b * tokens + t) * dim + o] = s;
      }
    }
  }
  return out;
}

function weights(layer: MultiHeadAttentionLayer) {
  return {
    qkv: layer.qkv.kernel.dataSync(),
    qkvBias: layer.qkv.bias!.dataSync(),
    proj: layer.proj.kernel.dataSync(),
    projBias: layer.proj.bias!.dataSync(),
  };
}

describe('multi-head attention', () => {
  useCpuBackend();

  test('matches a naive per-head loop; gradients for all four variables', () => {
    const scope = createParamScope('attn_t', 2);
    const layer = createMultiHeadAttention(scope.child('attn'), 6, 3);
    tf.tidy(() => {
      layer.qkv.bias!.assign(tf.tensor(normalValues(18, 5, 0.3)));
      layer.proj.bias!.assign(tf.tensor(normalValues(6, 6, 0.3)));
    });
    assert.deepEqual(scope.variables.map((v) => v.name), [
      'attn_t/attn/qkv/kernel', 'attn_t/attn/qkv/bias', 'attn_t/attn/proj/kernel', 'attn_t/attn/proj/bias',
    ]);
    const x = randomTensor<tf.Rank.R3>([2, 4, 6], 1);
    const before = tf.memory().numTensors;
    const y = applyMultiHeadAttention(layer, x);
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(y.shape, [2, 4, 6]);
    assertClose(y.dataSync(), naiveAttention(x.dataSync(), 2, 4, 6, 3, weights(layer)), 1e-5, 1e-4, 'attention');
    assertGradients(scope.variables, () => applyMultiHeadAttention(layer, x));
    tf.dispose([x, y]);
    disposeScope(scope);
  });

  test('input gradient matches finite differences', () => {
    const scope = createParamScope('attn_g', 3);
    const layer = createMultiHeadAttention(scope.child('attn'), 4, 2);
    const w = weights(layer);
    const xv = normalValues(2 * 3 * 4, 7);
    const wv = normalValues(2 * 3 * 4, 8);
    const loss = (x: ArrayLike<number>): number => naiveAttention(x, 2, 3, 4, 2, w).reduce((s, v, i) => s + v * wv[i], 0);
    const dx = tf.tidy(() => {
      const wt = tf.tensor3d(wv, [2, 3, 4]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(applyMultiHeadAttention(layer, x as tf.Tensor3D), wt)))(tf.tensor3d(xv, [2, 3, 4]));
    });
    assertClose(dx.dataSync(), numericGradient(loss, Float32Array.from(xv), 1e-3), 2e-3, 5e-3, 'dx');
    dx.dispose();
    disposeScope(scope);
  });

  test('scaledDotProductAttention with one token returns v; bad shapes are InputErrors', () => {
    const q = randomTensor<tf.Rank.R3>([3, 1, 2], 1);
    const v = randomTensor<tf.Rank.R3>([3, 1, 5], 2);
    const y = scaledDotProductAttention(q, q, v);
    assertClose(y.dataSync(), v.dataSync());
    const scope = createParamScope('attn_e', 0);
    assertInputError(() => createMultiHeadAttention(scope.child('attn'), 6, 4), 'heads');
    const layer = createMultiHeadAttention(scope.child('ok'), 4, 2);
    assertInputError(() => applyMultiHeadAttention(layer, q), 'attn_e/ok/qkv/kernel');
    tf.dispose([q, v, y]);
    disposeScope(scope);
  });
});
