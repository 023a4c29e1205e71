import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createParamScope, disposeScope, relativeVariableName } from '../../src/encoders/param-scope';
import { createDense } from '../../src/encoders/dense';
import { assertInputError, useCpuBackend } from './helpers';

describe('createParamScope', () => {
  useCpuBackend();

  test('names variables by path and lists trainable and state separately', () => {
    const before = tf.memory().numTensors;
    const scope = createParamScope('net', 1);
    const a = scope.child('layer1').variable('w', [2, 3], new Float32Array(6).fill(2));
    const b = scope.child('layer1').child('bn').variable('mean', [3], new Float32Array(3), false);
    assert.equal(a.name, 'net/layer1/w');
    assert.equal(b.name, 'net/layer1/bn/mean');
    assert.equal(a.trainable, true);
    assert.equal(b.trainable, false);
    assert.deepEqual(scope.variables, [a]);
    assert.deepEqual(scope.state, [b]);
    assert.deepEqual(Array.from(a.dataSync()), [2, 2, 2, 2, 2, 2]);
    assert.equal(tf.memory().numTensors, before + 2, 'only the variables remain');
    disposeScope(scope);
    disposeScope(scope);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(!Object.keys(tf.engine().registeredVariables).some((n) => n.startsWith('net/')));
  });

  test('a taken root gets a suffix; weights depend on seed and relative path only', () => {
    const s1 = createParamScope('twin', 3);
    const s2 = createParamScope('twin', 3);
    const s3 = createParamScope('twin', 4);
    const d1 = createDense(s1.child('d'), 4, 5);
    const d2 = createDense(s2.child('d'), 4, 5);
    const d3 = createDense(s3.child('d'), 4, 5);
    assert.equal(d1.kernel.name, 'twin/d/kernel');
    assert.equal(d2.kernel.name, 'twin_1/d/kernel');
    assert.equal(d3.kernel.name, 'twin_2/d/kernel');
    assert.equal(relativeVariableName(d2.kernel.name), 'd/kernel');
    assert.deepEqual(d1.kernel.dataSync(), d2.kernel.dataSync());
    assert.notDeepEqual(d1.kernel.dataSync(), d3.kernel.dataSync());
    [s1, s2, s3].forEach(disposeScope);
    const s4 = createParamScope('twin', 3);
    assert.equal(createDense(s4.child('d'), 4, 5).kernel.name, 'twin/d/kernel', 'root name free again after dispose');
    disposeScope(s4);
  });

  test('different layers get different streams', () => {
    const s = createParamScope('streams', 0);
    const a = createDense(s.child('a'), 3, 3);
    const b = createDense(s.child('b'), 3, 3);
    assert.notDeepEqual(a.kernel.dataSync(), b.kernel.dataSync());
    disposeScope(s);
  });

  test('bad names and value counts are InputErrors', () => {
    assertInputError(() => createParamScope('a/b', 0), 'name');
    assertInputError(() => createParamScope('', 0), 'name');
    const s = createParamScope('bad', 0);
    assertInputError(() => s.variable('w', [2, 2], new Float32Array(3)), 'bad/w');
    disposeScope(s);
  });
});
