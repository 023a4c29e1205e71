import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { defaultMlpEncoderOptions, mlpEncoder } from '../../src/encoders/mlp-encoder';
import { countParameters } from '../../src/encoders/count-parameters';
import { assertClose, assertInputError, useCpuBackend } from './helpers';
import { checkBatchNormState, checkGradients, checkLayers, checkMemory, checkRebuild, checkSeeds, checkShapes, imagesFor } from './encoder-checks';

const make = (o: Record<string, unknown>) => mlpEncoder(o);
const tiny = { inputShape: [7, 9, 2], hidden: [6, 5], outDim: 4 } as const;

describe('mlpEncoder', () => {
  useCpuBackend();

  test('default is the pilot 784-512-512-128 relu MLP', () => {
    const e = mlpEncoder();
    assert.equal(e.outDim, 128);
    assert.deepEqual(e.config, { kind: 'mlp', ...defaultMlpEncoderOptions });
    assert.deepEqual(e.variables.map((v) => [v.name, v.shape]), [
      ['encoder/dense1/kernel', [784, 512]],
      ['encoder/dense1/bias', [512]],
      ['encoder/dense2/kernel', [512, 512]],
      ['encoder/dense2/bias', [512]],
      ['encoder/out/kernel', [512, 128]],
      ['encoder/out/bias', [128]],
    ]);
    assert.equal(countParameters(e), 784 * 512 + 512 + 512 * 512 + 512 + 512 * 128 + 128);
    assert.equal(countParameters(e), 730240);
    e.dispose();
  });

  test('output equals a naive forward pass', () => {
    const e = mlpEncoder({ ...tiny, activation: 'relu' });
    const x = imagesFor(e, 2);
    const y = e.apply(x, false);
    const [w1, b1, w2, b2, w3, b3] = e.variables.map((v) => v.dataSync());
    const layer = (inp: number[], w: ArrayLike<number>, b: ArrayLike<number>, out: number, relu: boolean): number[] =>
      Array.from({ length: out }, (_, o) => {
        const s = inp.reduce((acc, v, i) => acc + v * w[i * out + o], b[o]);
        return relu ? Math.max(0, s) : s;
      });
    const expected: number[] = [];
    const xv = Array.from(x.dataSync());
    for (let n = 0; n < 2; n++) {
      const row = xv.slice(n * 126, (n + 1) * 126);
      expected.push(...layer(layer(layer(row, w1, b1, 6, true), w2, b2, 5, true), w3, b3, 4, false));
    }
    assertClose(y.dataSync(), expected, 1e-5, 1e-4);
    tf.dispose([x, y]);
    e.dispose();
  });

  test('shapes for odd inputs, seeds, gradients, layers, memory, rebuild', () => {
    checkShapes(make, tiny, [[28, 28, 1], [32, 32, 3], [7, 9, 2]]);
    checkSeeds(make, tiny);
    checkMemory(make, tiny);
    for (const options of [{ ...tiny, activation: 'gelu' }, { ...tiny, batchNorm: true }] as const) {
      const e = mlpEncoder(options);
      checkRebuild(e);
      checkLayers(e, ['hidden1', 'hidden2', 'out']);
      checkGradients(e);
      e.dispose();
    }
  });

  test('batch norm variant: no hidden biases, running statistics', () => {
    const e = mlpEncoder({ ...tiny, batchNorm: true, batchNormMomentum: 0.5 });
    assert.deepEqual(e.variables.map((v) => v.name), [
      'encoder/dense1/kernel', 'encoder/bn1/gamma', 'encoder/bn1/beta',
      'encoder/dense2/kernel', 'encoder/bn2/gamma', 'encoder/bn2/beta',
      'encoder/out/kernel', 'encoder/out/bias',
    ]);
    assert.equal(e.state.length, 4);
    checkBatchNormState(e);
    e.dispose();
  });

  test('invalid options are InputErrors naming the field', () => {
    assertInputError(() => mlpEncoder({ hidden: [4, 0] }), 'options.hidden[1]');
    assertInputError(() => mlpEncoder({ outDim: 2.5 }), 'options.outDim');
    assertInputError(() => mlpEncoder({ activation: 'tanh' as never }), 'options.activation');
    assertInputError(() => mlpEncoder({ inputShape: [28, 28] as never }), 'options.inputShape');
    assertInputError(() => mlpEncoder({ seed: 0.5 }), 'options.seed');
    assertInputError(() => mlpEncoder({ hiden: [3] } as never), 'options.hiden');
    assertInputError(() => mlpEncoder({ kind: 'cnn' } as never), 'options.kind');
    assertInputError(() => mlpEncoder({ batchNormMomentum: 2 }), 'options.batchNormMomentum');
    assert.equal(Object.keys(tf.engine().registeredVariables).length, 0, 'failed builds create no variables');
  });
});
