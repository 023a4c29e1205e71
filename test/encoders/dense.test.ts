import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { applyDense, createDense } from '../../src/encoders/dense';
import { createParamScope, disposeScope } from '../../src/encoders/param-scope';
import { assertClose, assertGradients, assertInputError, randomTensor, useCpuBackend } from './helpers';

describe('dense', () => {
  useCpuBackend();

  test('matches a naive loop on 2-D and 3-D input', () => {
    const scope = createParamScope('dense_t', 7);
    const layer = createDense(scope.child('d'), 3, 4);
    tf.tidy(() => layer.bias!.assign(tf.tensor([0.1, -0.2, 0.3, 0.4])));
    const x = randomTensor([2, 5, 3], 1);
    const y = applyDense(layer, x);
    assert.deepEqual(y.shape, [2, 5, 4]);
    const xv = x.dataSync();
    const w = layer.kernel.dataSync();
    const b = layer.bias!.dataSync();
    const expected = new Float32Array(40);
    for (let r = 0; r < 10; r++) {
      for (let o = 0; o < 4; o++) {
        let s = b[o];
        for (let i = 0; i < 3; i++) s += xv[r * 3 + i] * w[i * 4 + o];
        expected[r * 4 + o] = s;
      }
    }
    assertClose(y.dataSync(), expected, 1e-5, 1e-5, 'dense 3-D');
    const y2 = applyDense(layer, tf.reshape(x, [10, 3]));
    assertClose(y2.dataSync(), expected, 1e-5, 1e-5, 'dense 2-D');
    tf.dispose([x, y, y2]);
    disposeScope(scope);
  });

  test('no bias option, He scale, gradients, bad input', () => {
    const scope = createParamScope('dense_u', 1);
    const layer = createDense(scope.child('d'), 400, 300, { bias: false, init: 'he-normal' });
    assert.equal(layer.bias, null);
    assert.deepEqual(scope.variables.map((v) => v.name), ['dense_u/d/kernel']);
    const w = Array.from(layer.kernel.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(std / Math.sqrt(2 / 400) - 1) < 0.02, `std ${std}`);
    const small = createDense(scope.child('s'), 3, 2);
    const x = randomTensor([4, 3], 2);
    assertGradients([small.kernel, small.bias!], () => applyDense(small, x));
    assertInputError(() => applyDense(small, randomTensor([4, 5], 3)), 'dense_u/s/kernel');
    x.dispose();
    disposeScope(scope);
  });
});
