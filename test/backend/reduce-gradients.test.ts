import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { meanGradient, sumGradient } from '../../src/backend/reduce-gradients';

/** tfjs-core's own gradient of Sum or Mean: the reshaped dy times ones of x's shape (divided by the reduced size for Mean). */
function coreGradient(x: tf.Tensor, dy: tf.Tensor, axis: number | number[] | null, mean: boolean): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  const times = tf.mul(tf.reshape(dy, shape), tf.ones(x.shape));
  return mean ? tf.div(times, tf.util.sizeFromShape(axes.map((a) => x.shape[a]))) : times;
}

describe('the gradients of Sum and Mean without a tensor of ones', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  test('are registered in place of tfjs-core\'s', () => {
    assert.equal(tf.getGradient(tf.Sum), sumGradient);
    assert.equal(tf.getGradient(tf.Mean), meanGradient);
  });

  const cases: [number[], number | number[] | null, boolean][] = [
    [[6, 5], 1, false],
    [[6, 5], 0, true],
    [[3, 4, 5], [0, 2], false],
    [[3, 4, 5], -1, true],
    [[2, 3, 4, 5], null, false],
    [[7], 0, true],
  ];
  for (const [shape, axis, keepDims] of cases) {
    for (const mean of [false, true]) {
      test(`${mean ? 'mean' : 'sum'} over ${JSON.stringify(axis)} of ${JSON.stringify(shape)}${keepDims ? ', keepDims' : ''}: the same values to the bit`, () => {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
        const reduced = mean ? tf.mean(x, axis ?? undefined, keepDims) : tf.sum(x, axis ?? undefined, keepDims);
        const dy = tf.randomNormal(reduced.shape, 0, 1, 'float32', 4);
        const ours = tf.grad((v: tf.Tensor) => (mean ? tf.mean(v, axis ?? undefined, keepDims) : tf.sum(v, axis ?? undefined, keepDims)))(x, dy);
        const core = coreGradient(x, dy, axis, mean);
        assert.deepEqual(ours.shape, x.shape);
        assert.deepEqual(Array.from(ours.dataSync()), Array.from(core.dataSync()));
        tf.dispose([x, reduced, dy, ours, core]);
      });
    }
  }
});
