import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { cnnEncoder, defaultCnnEncoderOptions } from '../../src/encoders/cnn-encoder';
import { countParameters } from '../../src/encoders/count-parameters';
import { assertClose, assertInputError, useCpuBackend } from './helpers';
import { checkBatchNormState, checkGradients, checkLayers, checkMemory, checkRebuild, checkSeeds, checkShapes, imagesFor } from './encoder-checks';

const make = (o: Record<string, unknown>) => cnnEncoder(o);
const tiny = { inputShape: [7, 9, 2], widths: [2, 3, 4], outDim: 5 } as const;

describe('cnnEncoder', () => {
  useCpuBackend();

  test('default is the benchmark CNN: 32-64-128 convs with BN, dense 128 on 32x32x3', () => {
    const e = cnnEncoder();
    assert.deepEqual(e.config, { kind: 'cnn', ...defaultCnnEncoderOptions });
    assert.equal(e.outDim, 128);
    assert.deepEqual(e.variables.map((v) => [v.name, v.shape]), [
      ['encoder/conv1/kernel', [3, 3, 3, 32]],
      ['encoder/bn1/gamma', [32]],
      ['encoder/bn1/beta', [32]],
      ['encoder/conv2/kernel', [3, 3, 32, 64]],
      ['encoder/bn2/gamma', [64]],
      ['encoder/bn2/beta', [64]],
      ['encoder/conv3/kernel', [3, 3, 64, 128]],
      ['encoder/bn3/gamma', [128]],
      ['encoder/bn3/beta', [128]],
      ['encoder/dense/kernel', [128, 128]],
      ['encoder/dense/bias', [128]],
    ]);
    assert.equal(e.state.length, 6);
    assert.equal(countParameters(e), 9 * (3 * 32 + 32 * 64 + 64 * 128) + 2 * (32 + 64 + 128) + 128 * 128 + 128);
    assert.equal(countParameters(e), 109984);
    assert.equal(countParameters(e, { includeState: true }), 109984 + 2 * (32 + 64 + 128));
    e.dispose();
  });

  test('output equals the layers composed by hand (eval mode, fresh statistics)', () => {
    const e = cnnEncoder({ ...tiny, convBias: true });
    const x = imagesFor(e, 2);
    const y = e.apply(x, false);
    const v = Object.fromEntries(e.variables.map((t) => [t.name.replace('encoder/', ''), t]));
    const expected = tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (let i = 1; i <= 3; i++) {
        const conv = tf.add(tf.conv2d(h, v[`conv${i}/kernel`] as tf.Tensor4D, 1, 'same'), v[`conv${i}/bias`]);
        const bn = tf.add(tf.mul(tf.div(conv, Math.sqrt(1 + 1e-5)), v[`bn${i}/gamma`]), v[`bn${i}/beta`]);
        h = tf.relu(bn) as tf.Tensor4D;
        if (i < 3) h = tf.maxPool(h, 2, 2, 'same');
      }
      assert.deepEqual(h.shape, [2, 2, 3, 4], 'two same-padded pools: 7x9 -> 4x5 -> 2x3');
      return tf.add(tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, v['dense/kernel'] as tf.Tensor2D), v['dense/bias']);
    });
    assertClose(y.dataSync(), expected.dataSync(), 1e-5, 1e-4);
    tf.dispose([x, y, expected]);
    e.dispose();
  });

  test('shapes for odd inputs, seeds, gradients, layers, batch norm, memory, rebuild', () => {
    checkShapes(make, tiny, [[28, 28, 1], [32, 32, 3], [7, 9, 2], [1, 1, 1]]);
    checkSeeds(make, tiny);
    checkMemory(make, tiny);
    const e = cnnEncoder(tiny);
    checkRebuild(e);
    checkLayers(e, ['block1', 'block2', 'block3', 'pool', 'out']);
    checkGradients(e);
    checkBatchNormState(e);
    e.dispose();
  });

  test('invalid options are InputErrors naming the field', () => {
    assertInputError(() => cnnEncoder({ widths: [] }), 'options.widths');
    assertInputError(() => cnnEncoder({ widths: [4, -1] }), 'options.widths[1]');
    assertInputError(() => cnnEncoder({ convBias: 1 as never }), 'options.convBias');
    assertInputError(() => cnnEncoder({ inputShape: [32, 0, 3] }), 'options.inputShape[1]');
    assertInputError(() => cnnEncoder({ name: 'a/b' }), 'options.name');
  });
});
