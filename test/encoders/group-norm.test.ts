import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../../src/encoders/create-encoder';
import { applyGroupNorm, createGroupNorm, groupsFor } from '../../src/encoders/group-norm';
import { createParamScope, disposeScope } from '../../src/encoders/param-scope';
import { projectionHead } from '../../src/heads/projection-head';
import { InputError } from '../../src/util/errors';

before(async () => {
  await tf.setBackend('cpu');
});

describe('group norm and the norm options', () => {
  test('group norm normalises each example and group over positions and channels, then the per-channel affine', () => {
    const scope = createParamScope('gn_test', 0);
    const layer = createGroupNorm(scope, 4, { groups: 2 });
    const values = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i) * 3 + i * 0.1);
    const x = tf.tensor3d(values, [2, 3, 4]); // batch 2, 3 positions, 4 channels
    const y = applyGroupNorm(layer, x).arraySync() as number[][][];
    for (let b = 0; b < 2; b++) {
      for (let g = 0; g < 2; g++) {
        const members: number[] = [];
        for (let t = 0; t < 3; t++) for (let c = 2 * g; c < 2 * g + 2; c++) members.push(values[(b * 3 + t) * 4 + c]);
        const mean = members.reduce((a, v) => a + v, 0) / members.length;
        const variance = members.reduce((a, v) => a + (v - mean) ** 2, 0) / members.length;
        for (let t = 0; t < 3; t++) {
          for (let c = 2 * g; c < 2 * g + 2; c++) {
            const want = (values[(b * 3 + t) * 4 + c] - mean) / Math.sqrt(variance + 1e-5);
            assert.ok(Math.abs(y[b][t][c] - want) < 1e-4, `[${b}][${t}][${c}] ${y[b][t][c]} vs ${want}`);
          }
        }
      }
    }
    assert.throws(() => createGroupNorm(scope.child('bad'), 6, { groups: 4 }), (e: unknown) => e instanceof InputError && /divisor of the 6 channels/.test(e.message));
    assert.equal(groupsFor(12, 8), 6);
    assert.equal(groupsFor(7, 8), 7);
    x.dispose();
    disposeScope(scope);
  });

  test('encoders and heads take norm "layer"/"group" where they had batch norm: no running statistics, norm<i> variables', () => {
    const cases = [
      { kind: 'mlp', hidden: [8], outDim: 4, batchNorm: true, norm: 'layer', inputShape: [4, 4, 1] },
      { kind: 'cnn', widths: [4, 8], outDim: 4, norm: 'group', normGroups: 2, inputShape: [8, 8, 1] },
      { kind: 'resnet', widths: [4, 8], blocks: [1, 1], norm: 'layer', inputShape: [8, 8, 1] },
    ];
    for (const config of cases) {
      const encoder = createEncoder({ ...config, seed: 0 } as never);
      assert.equal(encoder.state.length, 0, `${config.kind}: no batch statistics`);
      assert.ok(encoder.variables.some((v) => /\/norm1\/gamma$/.test(v.name)), config.kind);
      const z = tf.tidy(() => encoder.apply(tf.ones([2, ...config.inputShape] as [number, number, number, number]) as tf.Tensor4D, true).shape);
      assert.equal(z[0], 2);
      encoder.dispose();
    }
    const head = projectionHead({ inDim: 4, hidden: [8], outDim: 4, batchNorm: true, outputBatchNorm: true, norm: 'layer' });
    assert.equal(head.state.length, 0);
    assert.ok(head.variables.some((v) => v.name.endsWith('out_norm/gamma')));
    head.dispose();
    assert.throws(() => createEncoder({ kind: 'cnn', norm: 'instance', inputShape: [8, 8, 1], seed: 0 } as never), (e: unknown) => e instanceof InputError && /norm/.test(e.message));
  });
});
