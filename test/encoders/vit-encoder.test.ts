import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { defaultVitEncoderOptions, vitEncoder } from '../../src/encoders/vit-encoder';
import { countParameters } from '../../src/encoders/count-parameters';
import { assertInputError, randomTensor, useCpuBackend } from './helpers';
import { checkGradients, checkLayers, checkMemory, checkRebuild, checkSeeds, checkShapes, imagesFor } from './encoder-checks';

const make = (o: Record<string, unknown>) => vitEncoder(o);
const tiny = { inputShape: [7, 9, 2], patchSize: 3, dim: 8, depth: 2, heads: 2, mlpRatio: 2 } as const;

/** Parameters of the ViT by formula. */
function vitParameters(o: { patchSize: number; channels: number; dim: number; depth: number; mlpRatio: number; tokens: number; cls: boolean; outDim: number | null }): number {
  const d = o.dim;
  const hidden = o.mlpRatio * d;
  const block = 2 * (2 * d) + (d * 3 * d + 3 * d) + (d * d + d) + (d * hidden + hidden) + (hidden * d + d);
  return (
    o.patchSize * o.patchSize * o.channels * d + d + (o.cls ? d : 0) + (o.tokens + (o.cls ? 1 : 0)) * d +
    o.depth * block + 2 * d + (o.outDim === null ? 0 : d * o.outDim + o.outDim)
  );
}

describe('vitEncoder', () => {
  useCpuBackend();

  test('default: ViT-tiny (192-d, 12 blocks, 3 heads), 4x4 patches on 32x32x3', () => {
    const e = vitEncoder();
    assert.deepEqual(e.config, { kind: 'vit', ...defaultVitEncoderOptions });
    assert.equal(e.outDim, 192);
    assert.equal(e.state.length, 0);
    const expected = vitParameters({ patchSize: 4, channels: 3, dim: 192, depth: 12, mlpRatio: 4, tokens: 64, cls: true, outDim: null });
    assert.equal(countParameters(e), expected);
    assert.equal(countParameters(e), 5360832);
    const shapes = Object.fromEntries(e.variables.map((v) => [v.name, v.shape]));
    assert.deepEqual(shapes['encoder/pos'], [1, 65, 192]);
    assert.deepEqual(shapes['encoder/cls'], [1, 1, 192]);
    assert.deepEqual(shapes['encoder/block12/attn/qkv/kernel'], [192, 576]);
    assert.deepEqual(shapes['encoder/block1/mlp/fc1/kernel'], [192, 768]);
    e.dispose();
  });

  test('mean pooling and a head: no class token, outDim from the head', () => {
    const e = vitEncoder({ ...tiny, pool: 'mean', outDim: 5 });
    assert.equal(e.outDim, 5);
    assert.ok(!e.variables.some((v) => v.name === 'encoder/cls'));
    assert.equal(countParameters(e), vitParameters({ patchSize: 3, channels: 2, dim: 8, depth: 2, mlpRatio: 2, tokens: 9, cls: false, outDim: 5 }));
    checkLayers(e, ['embed', 'block1', 'block2', 'pool', 'head']);
    const x = imagesFor(e, 2);
    const layers = e.applyLayers!(x, false);
    assert.deepEqual(layers[0].output.shape, [2, 9, 8], '7x9 with patch 3 pads to 3x3 tokens');
    tf.dispose([x, ...layers.map((l) => l.output)]);
    checkGradients(e);
    e.dispose();
  });

  test('dropout: random in training (seeded), off in eval', () => {
    const x = randomTensor<tf.Rank.R4>([2, 7, 9, 2], 1);
    const runs = [0, 1].map(() => {
      const e = vitEncoder({ ...tiny, dropout: 0.3 });
      const outs = [e.apply(x, true), e.apply(x, true), e.apply(x, false), e.apply(x, false)].map((t) => {
        const v = t.dataSync().slice();
        t.dispose();
        return v;
      });
      e.dispose();
      return outs;
    });
    const [a, b] = runs;
    assert.notDeepEqual(a[0], a[1], 'training calls draw new masks');
    assert.deepEqual(a[2], a[3], 'eval is deterministic');
    assert.notDeepEqual(a[0], a[2], 'training differs from eval');
    assert.deepEqual(a, b, 'same seed, same masks');
    x.dispose();
  });

  test('shapes for odd inputs, seeds, gradients, layers, memory, rebuild', () => {
    checkShapes(make, tiny, [[28, 28, 1], [32, 32, 3], [7, 9, 2], [2, 2, 1]]);
    checkSeeds(make, tiny);
    checkMemory(make, tiny);
    const e = vitEncoder(tiny);
    checkRebuild(e);
    checkLayers(e, ['embed', 'block1', 'block2', 'pool']);
    checkGradients(e);
    e.dispose();
  });

  test('invalid options are InputErrors naming the field', () => {
    assertInputError(() => vitEncoder({ dim: 10, heads: 3 }), 'options.heads');
    assertInputError(() => vitEncoder({ patchSize: 0 }), 'options.patchSize');
    assertInputError(() => vitEncoder({ pool: 'max' as never }), 'options.pool');
    assertInputError(() => vitEncoder({ dropout: 1 }), 'options.dropout');
    assertInputError(() => vitEncoder({ mlpRatio: 0.3, dim: 8, heads: 2 }), 'options.mlpRatio');
    assertInputError(() => vitEncoder({ depth: 0 }), 'options.depth');
  });
});
