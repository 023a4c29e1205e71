import * as tf from '@tensorflow/tfjs-core';
import { applyBatchNorm, createBatchNorm } from '../encoders/batch-norm';
import { gelu } from '../encoders/gelu';
import { applyGroupNorm, createGroupNorm } from '../encoders/group-norm';
import { applyLayerNorm, createLayerNorm } from '../encoders/layer-norm';
import { createParamScope, disposeScope, type ParamScope } from '../encoders/param-scope';
import { crossEntropy } from '../losses/cross-entropy';
import { logSumExpRows } from '../losses/log-sum-exp-rows';
import { adam } from '../train/adam';
import type { ConformanceCase } from './conformance-case';
import { forwardAndGrads, seeded, shapeText, valuesOf } from './case-helpers';

/** Float32 products and their gradients: errors grow with the inner dimension, stay near 1e-6. */
const productTolerance = 1e-4;

/** A matrix-product case `[...a] x [...b]` with the transposes given, forward and both gradients. */
function productCase(kernel: string, a: number[], b: number[], transposeA: boolean, transposeB: boolean, seed: number, note?: string): ConformanceCase {
  return {
    kernel,
    shape: shapeText(a, b),
    tolerance: productTolerance,
    ...(note === undefined ? {} : { note }),
    run: () => forwardAndGrads([a, b], (x, y) => tf.matMul(x, y, transposeA, transposeB), seed),
  };
}

/** A 2-d convolution `[n,h,w,c] * [k,k,c,f]` at `strides`, forward and both gradients (Conv2DBackpropInput, Conv2DBackpropFilter). */
function convCase(input: number[], kernelShape: number[], strides: number, seed: number, note: string): ConformanceCase {
  return {
    kernel: `Conv2D + grads (stride ${strides}, same)`,
    shape: shapeText(input, kernelShape),
    tolerance: productTolerance,
    note,
    run: () => forwardAndGrads([input, kernelShape], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, 'same'), seed),
  };
}

/** Runs `f` with a fresh parameter scope (variables named `conformance/...`), disposed afterwards. */
function withScope<T>(seed: number, f: (scope: ParamScope) => T): T {
  const scope = createParamScope('conformance', seed);
  try {
    return f(scope);
  } finally {
    disposeScope(scope);
  }
}

/** Forward values and gradients (input, then the scope's trainable variables) of a layer applied to a seeded input. */
function layerCase(scope: ParamScope, shape: number[], seed: number, apply: (x: tf.Tensor) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    for (const [i, v] of scope.variables.entries()) v.assign(tf.add(v, seeded(v.shape, seed + 50 + i, 0.1)));
    const x = seeded(shape, seed, 2);
    const y = apply(x);
    const g = seeded(y.shape, seed + 100);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(apply(x), g)), scope.variables);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(apply(input), g)))(x);
    return [...valuesOf([y, dx, value]), ...valuesOf(scope.variables.map((v) => grads[v.name]))];
  });
}

/**
 * The kernels and gradients our encoders, heads, losses and optimizer use, one case each
 * on shapes of our encoders: the MLP 784-512-512-128 (batch 32), the CNN (3x3 convs of
 * 32, 64, 128 filters on 32x32x3, 2x2 max-pools; batch 4), the ResNet's stride-2 convs,
 * the ViT (65 tokens of 192 in 3 heads; batch 2), NT-Xent and cross-entropy logits, Adam.
 */
export function kernelCases(): ConformanceCase[] {
  const cnn = 'CNN layer, batch 4';
  const cnnSmall = 'CNN layer, batch 2 (cpu reference slow)';
  return [
    productCase('MatMul (dense forward)', [32, 784], [784, 512], false, false, 1),
    productCase('MatMul transposeA (dense kernel grad)', [784, 32], [784, 512], true, false, 2, 'as [32,784]^T x [32,512] transposed'),
    productCase('MatMul transposeB (dense input grad)', [32, 512], [784, 512], false, true, 3),
    productCase('MatMul transposeA+B', [128, 32], [512, 128], true, true, 4),
    productCase('BatchMatMul transposeB (attention scores)', [6, 65, 64], [6, 65, 64], false, true, 5, 'ViT-tiny heads, batch 2'),
    productCase('BatchMatMul (attention x values)', [6, 65, 65], [6, 65, 64], false, false, 6, 'ViT-tiny heads, batch 2'),
    productCase('BatchMatMul transposeA (per-example norms)', [4, 65, 192], [4, 65, 192], true, false, 7),
    {
      kernel: 'dense + bias + relu + grads',
      shape: shapeText([32, 512], [512, 512], [512]),
      tolerance: productTolerance,
      run: () => forwardAndGrads([[32, 512], [512, 512], [512]], (x, w, b) => tf.relu(tf.add(tf.matMul(x, w), b)), 8),
    },
    convCase([2, 32, 32, 3], [3, 3, 3, 32], 1, 9, cnnSmall),
    convCase([2, 16, 16, 32], [3, 3, 32, 64], 1, 10, cnnSmall),
    convCase([2, 8, 8, 64], [3, 3, 64, 128], 1, 11, cnnSmall),
    convCase([2, 16, 16, 32], [3, 3, 32, 64], 2, 12, 'ResNet downsampling conv, batch 2 (cpu reference slow)'),
    {
      kernel: 'MaxPool 2x2 + grad (MaxPoolGrad)',
      shape: shapeText([4, 32, 32, 32]),
      tolerance: 1e-6,
      note: cnn,
      run: () => forwardAndGrads([[4, 32, 32, 32]], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'same'), 13),
    },
    {
      kernel: 'AvgPool 2x2 + grad (AvgPoolGrad)',
      shape: shapeText([4, 16, 16, 64]),
      tolerance: 1e-5,
      run: () => forwardAndGrads([[4, 16, 16, 64]], (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'same'), 14),
    },
    {
      kernel: 'Mean (global average pool) + grad',
      shape: shapeText([4, 8, 8, 128]),
      tolerance: 1e-5,
      run: () => forwardAndGrads([[4, 8, 8, 128]], (x) => tf.mean(x, [1, 2]), 15),
    },
    {
      kernel: 'batch norm (training) + grads',
      shape: shapeText([4, 16, 16, 64]),
      tolerance: 1e-4,
      note: cnn,
      run: () => withScope(16, (scope) => { const layer = createBatchNorm(scope, 64); return layerCase(scope, [4, 16, 16, 64], 16, (x) => applyBatchNorm(layer, x, true)); }),
    },
    {
      kernel: 'batch norm (MLP, training) + grads',
      shape: shapeText([32, 512]),
      tolerance: 1e-4,
      run: () => withScope(17, (scope) => { const layer = createBatchNorm(scope, 512); return layerCase(scope, [32, 512], 17, (x) => applyBatchNorm(layer, x, true)); }),
    },
    {
      kernel: 'layer norm + grads',
      shape: shapeText([2, 65, 192]),
      tolerance: 1e-4,
      note: 'ViT-tiny tokens, batch 2',
      run: () => withScope(18, (scope) => { const layer = createLayerNorm(scope, 192); return layerCase(scope, [2, 65, 192], 18, (x) => applyLayerNorm(layer, x)); }),
    },
    {
      kernel: 'group norm + grads',
      shape: shapeText([4, 16, 16, 64]),
      tolerance: 1e-4,
      note: `${cnn}, 8 groups`,
      run: () => withScope(19, (scope) => { const layer = createGroupNorm(scope, 64, { groups: 8 }); return layerCase(scope, [4, 16, 16, 64], 19, (x) => applyGroupNorm(layer, x)); }),
    },
    {
      kernel: 'GELU (exact) + grad',
      shape: shapeText([2, 65, 768]),
      tolerance: 1e-5,
      note: 'ViT-tiny MLP hidden, batch 2',
      run: () => forwardAndGrads([[2, 65, 768]], (x) => gelu(tf.mul(x, 3)), 20),
    },
    {
      kernel: 'Softmax + grad',
      shape: shapeText([6, 65, 65]),
      tolerance: 1e-5,
      note: 'attention weights, batch 2',
      run: () => forwardAndGrads([[6, 65, 65]], (x) => tf.softmax(tf.mul(x, 4)), 21),
    },
    {
      kernel: 'log-sum-exp rows (NT-Xent) + grad',
      shape: shapeText([256, 256]),
      tolerance: 1e-5,
      note: 'logits of 2 views x 128',
      run: () => forwardAndGrads([[256, 256]], (x) => logSumExpRows(tf.mul(x, 2) as tf.Tensor2D), 22),
    },
    {
      kernel: 'LogSumExp (tf) + grad',
      shape: shapeText([128, 1024]),
      tolerance: 1e-5,
      note: 'DINO prototypes',
      run: () => forwardAndGrads([[128, 1024]], (x) => tf.logSumExp(tf.mul(x, 10), 1), 23),
    },
    {
      kernel: 'cross-entropy (OneHot) + grad',
      shape: shapeText([32, 10]),
      tolerance: 1e-5,
      run: () =>
        tf.tidy(() => {
          const labels = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i * 7) % 10), 'int32');
          const oneHot = tf.oneHot(labels, 10);
          return [...valuesOf([oneHot]), ...forwardAndGrads([[32, 10]], (x) => crossEntropy(x as tf.Tensor2D, labels), 24)];
        }),
    },
    {
      kernel: 'GatherV2 + grad (UnsortedSegmentSum)',
      shape: `${shapeText([2, 64, 192])} rows [2,16]`,
      tolerance: 1e-6,
      note: 'MAE visible tokens',
      run: () =>
        tf.tidy(() => {
          const indices = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i * 5) % 64), 'int32');
          const repeated = tf.tensor1d(Array.from({ length: 40 }, (_, i) => (i * 3) % 16), 'int32');
          return [
            ...forwardAndGrads([[2, 64, 192]], (x) => tf.gather(x, indices, 1), 25),
            ...forwardAndGrads([[16, 192]], (x) => tf.gather(x, repeated), 26),
          ];
        }),
    },
    {
      kernel: 'Transpose + grad (attention heads)',
      shape: shapeText([2, 65, 3, 64]),
      tolerance: 0,
      run: () => forwardAndGrads([[2, 65, 3, 64]], (x) => tf.transpose(x, [0, 2, 1, 3]), 27),
    },
    {
      kernel: 'Concat / Slice / Split / Tile + grads, StridedSlice',
      shape: shapeText([64, 128], [64, 128]),
      tolerance: 0,
      note: 'StridedSlice (conv patches of DP) has no gradient in tfjs: forward only',
      run: () => [
        ...forwardAndGrads(
          [[64, 128], [64, 128]],
          (a, b) => {
            const both = tf.concat([a, b], 0);
            const [top, bottom] = tf.split(both, 2, 0);
            const tiled = tf.tile(tf.slice(top, [0, 0], [1, 128]), [64, 1]);
            return tf.concat([tf.add(tiled, top), tf.tile(bottom, [1, 2])], 1);
          },
          28,
        ),
        ...tf.tidy(() => valuesOf([tf.stridedSlice(seeded([4, 16, 16, 8], 29), [0, 1, 0, 0], [4, 16, 16, 8], [1, 2, 2, 1])])),
      ],
    },
    {
      kernel: 'Sum / Max / Min / Mean reductions + grads',
      shape: shapeText([32, 512]),
      tolerance: 1e-5,
      run: () =>
        forwardAndGrads(
          [[32, 512]],
          (x) => tf.concat([tf.sum(x, 0), tf.max(x, 0), tf.min(x, 0), tf.mean(x, 0), tf.pad(tf.sum(x, 1), [[0, 480]])]),
          29,
        ),
    },
    {
      kernel: 'Sum of squares (gradient norm)',
      shape: shapeText([784, 512]),
      tolerance: 1e-3,
      note: 'one float32 sum of 401k positive values',
      run: () => forwardAndGrads([[784, 512]], (x) => tf.sum(tf.square(x)), 33),
    },
    {
      kernel: 'elementwise (exp, log, sqrt, rsqrt, tanh, erf, square, div) + grads',
      shape: shapeText([32, 512]),
      tolerance: 1e-5,
      run: () =>
        forwardAndGrads(
          [[32, 512]],
          (x) => {
            const pos = tf.add(tf.abs(x), 0.5);
            return tf.addN([tf.exp(tf.mul(x, 0.5)), tf.log(pos), tf.sqrt(pos), tf.rsqrt(pos), tf.tanh(x), tf.erf(x), tf.square(x), tf.div(x, pos)]);
          },
          30,
        ),
    },
    {
      kernel: 'Adam step (fused on wasm/cpu)',
      shape: shapeText([784, 512], [512]),
      tolerance: 1e-5,
      note: '3 steps, lr 1e-2',
      run: () => {
        const [w0, b0] = [seeded([784, 512], 31, 0.05), seeded([512], 32, 0.05)];
        const w = tf.variable(w0, true, 'conformance_adam/w');
        const b = tf.variable(b0, true, 'conformance_adam/b');
        tf.dispose([w0, b0]);
        const optimizer = adam();
        try {
          for (let step = 0; step < 3; step++) {
            tf.tidy(() => optimizer.apply({ [w.name]: seeded([784, 512], 40 + step, 0.1), [b.name]: seeded([512], 50 + step, 0.1) }, [w, b], 1e-2));
          }
          return valuesOf([w, b]);
        } finally {
          optimizer.dispose();
          tf.dispose([w, b]);
        }
      },
    },
  ];
}
