import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { patchGrid, patchify } from '../../src/encoders/patchify';
import { assertClose, assertInputError, randomTensor, useCpuBackend } from './helpers';

describe('patchify', () => {
  useCpuBackend();

  test('matches naive indexing, with zero padding for sizes that do not divide', () => {
    const [b, h, w, c, p] = [2, 5, 7, 2, 3];
    const x = randomTensor<tf.Rank.R4>([b, h, w, c], 1);
    const y = patchify(x, p);
    const { rows, cols, tokens } = patchGrid(h, w, p);
    assert.deepEqual([rows, cols, tokens], [2, 3, 6]);
    assert.deepEqual(y.shape, [b, tokens, p * p * c]);
    const xv = x.dataSync();
    const expected: number[] = [];
    for (let n = 0; n < b; n++)
      for (let r = 0; r < rows; r++)
        for (let q = 0; q < cols; q++)
          for (let py = 0; py < p; py++)
            for (let px = 0; px < p; px++)
              for (let ch = 0; ch < c; ch++) {
                const i = r * p + py;
                const j = q * p + px;
                expected.push(i < h && j < w ? xv[((n * h + i) * w + j) * c + ch] : 0);
              }
    assert.deepEqual(Array.from(y.dataSync()), expected);
    tf.dispose([x, y]);
  });

  test('a dense layer on patches equals a conv with stride = kernel = patch', () => {
    const [b, h, w, c, p, d] = [2, 4, 6, 3, 2, 5];
    const x = randomTensor<tf.Rank.R4>([b, h, w, c], 2);
    const kernel = randomTensor<tf.Rank.R2>([p * p * c, d], 3);
    const viaPatches = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(patchify(x, p), [-1, p * p * c]), kernel), [b, h / p, w / p, d]));
    const viaConv = tf.conv2d(x, tf.reshape(kernel, [p, p, c, d]) as tf.Tensor4D, p, 'valid');
    assertClose(viaPatches.dataSync(), viaConv.dataSync(), 1e-5, 1e-5);
    assertInputError(() => patchify(x, 0), 'patchSize');
    tf.dispose([x, kernel, viaPatches, viaConv]);
  });
});
