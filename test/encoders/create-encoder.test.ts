import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createEncoder, encoderFactories, encoderKinds } from '../../src/encoders/create-encoder';
import { assertInputError, useCpuBackend, weightsOf } from './helpers';
import { checkRebuild } from './encoder-checks';

const tinyConfigs = [
  { kind: 'mlp', inputShape: [4, 3, 2], hidden: [5], outDim: 3, seed: 9 },
  { kind: 'cnn', inputShape: [5, 5, 1], widths: [2, 3], outDim: 4, seed: 9 },
  { kind: 'resnet', inputShape: [5, 6, 2], widths: [2, 2], blocks: [1, 0], outDim: 3, seed: 9 },
  { kind: 'vit', inputShape: [4, 4, 1], patchSize: 2, dim: 4, depth: 1, heads: 2, mlpRatio: 1, seed: 9 },
];

describe('createEncoder', () => {
  useCpuBackend();

  test('the registry covers mlp, resnet, cnn, vit', () => {
    assert.deepEqual([...encoderKinds].sort(), ['cnn', 'mlp', 'resnet', 'vit']);
    assert.deepEqual(Object.keys(encoderFactories).sort(), ['cnn', 'mlp', 'resnet', 'vit']);
  });

  test('builds each kind; config records every option; JSON round trip rebuilds identical weights', () => {
    for (const config of tinyConfigs) {
      const e = createEncoder(config as never);
      assert.equal(e.config.kind, config.kind);
      for (const [field, value] of Object.entries(config)) assert.deepEqual(e.config[field], value, `${config.kind}.${field}`);
      assert.ok(Object.keys(e.config).includes('name') && Object.keys(e.config).includes('seed'));
      checkRebuild(e);
      const defaults = createEncoder({ kind: config.kind, inputShape: config.inputShape } as never);
      assert.deepEqual(Object.keys(defaults.config).sort(), Object.keys(e.config).sort(), `${config.kind}: defaults are filled in`);
      defaults.dispose();
      e.dispose();
    }
    assert.equal(tf.memory().numTensors, 0);
  });

  test('a rebuilt encoder after dispose gets the same variable names', () => {
    const e = createEncoder(tinyConfigs[0] as never);
    const names = e.variables.map((v) => v.name);
    const weights = weightsOf(e);
    e.dispose();
    const r = createEncoder(e.config);
    assert.deepEqual(r.variables.map((v) => v.name), names);
    assert.deepEqual(weightsOf(r), weights);
    r.dispose();
  });

  test('unknown kinds and bad fields are InputErrors', () => {
    assertInputError(() => createEncoder({ kind: 'transformer', inputShape: [2, 2, 1] }), 'config.kind');
    assertInputError(() => createEncoder({ kind: 'toString', inputShape: [2, 2, 1] }), 'config.kind');
    assertInputError(() => createEncoder(null as never), 'createEncoder config');
    assertInputError(() => createEncoder({ kind: 'mlp', inputShape: [2, 2, 1], widths: [3] }), 'mlpEncoder options.widths');
    assertInputError(() => createEncoder({ kind: 'vit', inputShape: [2, 2, 1], heads: 5 }), 'vitEncoder options.heads');
  });
});
