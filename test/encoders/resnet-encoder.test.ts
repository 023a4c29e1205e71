import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { defaultResnetEncoderOptions, resnetEncoder } from '../../src/encoders/resnet-encoder';
import { countParameters } from '../../src/encoders/count-parameters';
import { assertInputError, useCpuBackend } from './helpers';
import { checkBatchNormState, checkGradients, checkLayers, checkMemory, checkRebuild, checkSeeds, checkShapes, imagesFor } from './encoder-checks';

const make = (o: Record<string, unknown>) => resnetEncoder(o);
const tiny = { inputShape: [7, 9, 2], widths: [2, 3], blocks: [1, 1] } as const;

/** Parameters of the ResNet by formula: convs without bias, BN gamma+beta, optional head. */
function resnetParameters(inChannels: number, widths: number[], blocks: number[], outDim: number | null): number {
  let n = 9 * inChannels * widths[0] + 2 * widths[0];
  widths.forEach((w, s) => {
    if (s > 0) n += 9 * widths[s - 1] * w + 2 * w;
    n += blocks[s] * 2 * (9 * w * w + 2 * w);
  });
  return n + (outDim === null ? 0 : widths[widths.length - 1] * outDim + outDim);
}

describe('resnetEncoder', () => {
  useCpuBackend();

  test('default: ResNet9-like 32-64-128 with one block per stage', () => {
    const e = resnetEncoder();
    assert.deepEqual(e.config, { kind: 'resnet', ...defaultResnetEncoderOptions });
    assert.equal(e.outDim, 128);
    assert.equal(countParameters(e), resnetParameters(3, [32, 64, 128], [1, 1, 1], null));
    assert.equal(countParameters(e), 481440);
    const names = e.variables.map((v) => v.name);
    assert.ok(names.includes('encoder/stem/conv/kernel'));
    assert.ok(names.includes('encoder/stage2/down/bn/gamma'));
    assert.ok(names.includes('encoder/stage3/block1/conv2/kernel'));
    assert.equal(new Set(names).size, names.length);
    e.dispose();
  });

  test('variants: stride downsampling, head, several blocks, no blocks', () => {
    const options = { ...tiny, downsample: 'stride', outDim: 6, blocks: [2, 0] } as const;
    const e = resnetEncoder(options);
    assert.equal(e.outDim, 6);
    assert.equal(countParameters(e), resnetParameters(2, [2, 3], [2, 0], 6));
    const x = imagesFor(e, 2);
    const layers = e.applyLayers!(x, true);
    assert.deepEqual(layers.map((l) => [l.name, l.output.shape]), [
      ['stem', [2, 7, 9, 2]],
      ['stage1', [2, 7, 9, 2]],
      ['stage2', [2, 4, 5, 3]],
      ['pool', [2, 3]],
      ['head', [2, 6]],
    ]);
    tf.dispose([x, ...layers.map((l) => l.output)]);
    checkGradients(e);
    e.dispose();
  });

  test('shapes for odd inputs, seeds, gradients, layers, batch norm, memory, rebuild', () => {
    checkShapes(make, tiny, [[28, 28, 1], [32, 32, 3], [7, 9, 2]]);
    checkSeeds(make, tiny);
    checkMemory(make, tiny);
    const e = resnetEncoder(tiny);
    checkRebuild(e);
    checkLayers(e, ['stem', 'stage1', 'stage2', 'pool']);
    checkGradients(e);
    checkBatchNormState(e);
    e.dispose();
  });

  test('invalid options are InputErrors naming the field', () => {
    assertInputError(() => resnetEncoder({ blocks: [1, 1] }), 'options.blocks');
    assertInputError(() => resnetEncoder({ blocks: [1, -1, 1] }), 'options.blocks[1]');
    assertInputError(() => resnetEncoder({ downsample: 'avgpool' as never }), 'options.downsample');
    assertInputError(() => resnetEncoder({ outDim: 0 }), 'options.outDim');
    assertInputError(() => resnetEncoder({ widths: [] }), 'options.widths');
  });
});
