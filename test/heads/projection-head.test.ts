import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { defaultProjectionHeadOptions, projectionHead } from '../../src/heads/projection-head';
import { countParameters } from '../../src/encoders/count-parameters';
import { assertClose, assertGradients, assertInputError, randomTensor, useCpuBackend, weightsOf } from '../encoders/helpers';

describe('projectionHead', () => {
  useCpuBackend();

  test('default 128-512-128 relu MLP, named under projector/', () => {
    const p = projectionHead();
    assert.deepEqual(p.config, defaultProjectionHeadOptions);
    assert.deepEqual(p.variables.map((v) => v.name), [
      'projector/dense1/kernel', 'projector/dense1/bias', 'projector/out/kernel', 'projector/out/bias',
    ]);
    assert.equal(countParameters(p), 128 * 512 + 512 + 512 * 128 + 128);
    p.dispose();
  });

  test('pilot head relu -> dense -> relu -> dense equals a naive forward pass', () => {
    const p = projectionHead({ inDim: 3, hidden: [4], outDim: 2, activateInput: true, seed: 3 });
    const z = randomTensor<tf.Rank.R2>([2, 3], 1);
    const y = p.apply(z, true);
    const [w1, b1, w2, b2] = p.variables.map((v) => v.dataSync());
    const zv = z.dataSync();
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) {
      const input = [0, 1, 2].map((i) => Math.max(0, zv[n * 3 + i]));
      const hidden = [0, 1, 2, 3].map((o) => Math.max(0, input.reduce((s, v, i) => s + v * w1[i * 4 + o], b1[o])));
      expected.push(...[0, 1].map((o) => hidden.reduce((s, v, i) => s + v * w2[i * 2 + o], b2[o])));
    }
    assertClose(y.dataSync(), expected, 1e-5, 1e-4);
    tf.dispose([z, y]);
    p.dispose();
  });

  test('batch-norm variant: state, gradients, seeds, no leaks', () => {
    const options = { inDim: 4, hidden: [6, 5], outDim: 3, batchNorm: true, outputBatchNorm: true, seed: 2 };
    const start = tf.memory().numTensors;
    const p = projectionHead(options);
    assert.equal(p.state.length, 6);
    assert.ok(p.variables.every((v) => !v.name.endsWith('dense1/bias') && !v.name.endsWith('out/bias')), 'no bias before BN');
    const q = projectionHead(options);
    const r = projectionHead({ ...options, seed: 3 });
    assert.ok(q.variables[0].name.startsWith('projector_1/'));
    assert.deepEqual(weightsOf(p), weightsOf(q));
    assert.notDeepEqual(weightsOf(p).get('dense1/kernel'), weightsOf(r).get('dense1/kernel'));
    const z = randomTensor<tf.Rank.R2>([5, 4], 4);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      p.apply(z, true);
      p.apply(z, false);
    });
    assert.equal(tf.memory().numTensors, before);
    const mean = p.state.find((v) => v.name.endsWith('bn1/moving_mean'))!;
    assert.ok(mean.dataSync().some((v) => v !== 0), 'training updated running statistics');
    assertGradients(p.variables, () => p.apply(z, true));
    z.dispose();
    [p, q, r].forEach((h) => h.dispose());
    assert.equal(tf.memory().numTensors, start);
  });

  test('invalid options and inputs are InputErrors', () => {
    assertInputError(() => projectionHead({ inDim: 0 }), 'options.inDim');
    assertInputError(() => projectionHead({ hidden: [3, 0] }), 'options.hidden[1]');
    assertInputError(() => projectionHead({ activation: 'swish' as never }), 'options.activation');
    const p = projectionHead({ inDim: 3, hidden: [], outDim: 2 });
    assert.equal(p.variables.length, 2, 'no hidden layers: one linear map');
    const z = tf.zeros([2, 4]) as tf.Tensor2D;
    assertInputError(() => p.apply(z, false), 'projectionHead');
    z.dispose();
    p.dispose();
  });
});
