import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { currentArithmetic, describeBackend, initBackend } from '../../src/backend';
import { nativeBlas, nativeBlasUnavailableReason, nativeProducts, useNativeProducts } from '../../src/backend/native/native-blas';
import { cnnEncoder, mlpEncoder, vitEncoder, type Encoder } from '../../src/encoders';
import { createRng, rngState } from '../../src/util/rng';
import { geluGradKernelName, geluKernelName } from '../../src/encoders/gelu-kernels';
import { fillModes, warpBilinear } from '../../src/augment/warp-bilinear';
import { gaussianNoise } from '../../src/augment/gaussian-noise';
import { normalDraws } from '../../src/train/clip-and-noise';
import { forgetNativeExpCheck } from '../../src/backend/wasm-kernels/exp';
import { emaUpdate } from '../../src/methods/ema';
import { hasEmaKernel } from '../../src/methods/ema-kernel';
import { fusedAdam } from '../../src/train/fused-adam';
import { l2NormalizeByOps } from '../../src/losses/l2-normalize';
import { hasL2NormalizeKernels, hasNegativeCosineKernels, l2NormalizeByKernels, negativeCosineByKernels } from '../../src/losses/cosine-kernels';
import { negativeCosineByOps } from '../../src/losses/negative-cosine';
import { applyBatchNorm, createBatchNorm } from '../../src/encoders/batch-norm';
import { applyLayerNorm, createLayerNorm } from '../../src/encoders/layer-norm';
import { layerNormByKernelsApplies } from '../../src/encoders/layer-norm-kernels';
import { denseBatchNormByKernelsApplies } from '../../src/encoders/dense-batch-norm-kernels';
import { createParamScope, disposeScope } from '../../src/encoders/param-scope';
import { randomValues, relativeError } from './compare';

/**
 * The native products (the system BLAS through native/build/sslmem-blas.node) against our
 * WebAssembly SIMD products, in one process: `useNativeProducts` switches between them.
 * Skipped, saying why, where the binding is not built (CI builds it; `SSLMEM_NATIVE=0`
 * runs the rest of test/backend on our SIMD products alone).
 */
const skip = nativeBlas() === null ? `native binding not in use: ${nativeBlasUnavailableReason() ?? ''}` : false;

/** Runs `f` (outputs and values read back) with the native products on or off. */
function onPath(native: boolean, f: () => tf.Tensor | tf.Tensor[]): Float32Array[] {
  const previous = useNativeProducts(native);
  try {
    const outs = tf.tidy(() => {
      const r = f();
      return Array.isArray(r) ? r : [r];
    });
    const values = outs.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(outs);
    return values;
  } finally {
    useNativeProducts(previous);
  }
}

/** The bit patterns of float32 values (every NaN as one), to compare results bit for bit. */
function bits(a: Float32Array): Array<number | string> {
  return Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(Float32Array.of(v).buffer)[0]));
}

/** Whether two arrays hold the same bits (NaN payloads included). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Asserts that native and SIMD products give the same outputs (relative error <= tol) and the same shapes. */
function assertPathsAgree(label: string, f: () => tf.Tensor | tf.Tensor[], tol = 1e-5): void {
  const native = onPath(true, f);
  const simd = onPath(false, f);
  assert.equal(native.length, simd.length, `${label}: outputs`);
  native.forEach((values, i) => {
    assert.equal(values.length, simd[i].length, `${label}: output ${i} size`);
    const err = relativeError(values, simd[i]);
    assert.ok(err <= tol, `${label}: output ${i}: native vs SIMD relative error ${err.toExponential(2)} > ${tol}`);
  });
}

describe('native products agree with our SIMD products', { skip }, () => {
  const rng = createRng(22);
  const tensor = (shape: number[]): tf.Tensor => tf.tensor(randomValues(rng, shape.reduce((p, q) => p * q, 1)), shape);
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  test('the products of a step do run natively (arithmetic and describeBackend name the BLAS)', async () => {
    const info = await initBackend({ backend: 'wasm' });
    assert.ok(nativeProducts() !== null);
    assert.match(describeBackend(info), /products: \S+.* through the native binding/);
    assert.match(String(currentArithmetic().products), /\S/);
    const previous = useNativeProducts(false);
    try {
      assert.equal(currentArithmetic().products, undefined, 'our SIMD products: no products field (run keys as before)');
      assert.match(describeBackend(info), /products: our SIMD products/);
    } finally {
      useNativeProducts(previous);
    }
  });

  // [label, a shape, b shape, transposeA, transposeB]: the products of the encoders'
  // forward passes (x W) and gradients (dy W^T, x^T dy), attention, and the edges.
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['MLP layer 1 forward', [256, 784], [784, 512], false, false],
    ['MLP layer 2 forward', [256, 512], [512, 512], false, false],
    ['MLP head forward', [256, 512], [512, 128], false, false],
    ['MLP input gradient dy W^T', [256, 512], [784, 512], false, true],
    ['MLP weight gradient x^T dy', [256, 784], [256, 512], true, false],
    ['SimCLR similarities z z^T', [256, 128], [256, 128], false, true],
    ['both transposed', [64, 96], [80, 64], true, true],
    ['CNN dense head', [256, 128], [128, 128], false, false],
    ['ViT attention scores (batch, transposeB)', [64, 17, 16], [64, 17, 16], false, true],
    ['ViT attention values (batch)', [64, 17, 17], [64, 17, 16], false, false],
    ['ViT attention gradient (batch, transposeA)', [64, 17, 17], [64, 17, 16], true, false],
    ['ViT tokens x shared weight (3-D x 2-D)', [64, 17, 64], [64, 192], false, false],
    ['broadcast batch', [2, 1, 5, 7], [1, 3, 7, 4], false, false],
    ['odd sizes', [13, 29], [29, 17], false, false],
    ['long reduction', [5, 40000], [40000, 6], false, false],
    ['reduction of 1', [7, 1], [1, 9], false, false],
  ];
  for (const [label, sa, sb, ta, tb] of cases) {
    test(`matMul: ${label}`, () => {
      const a = tensor(sa);
      const b = tensor(sb);
      try {
        assertPathsAgree(label, () => tf.matMul(a, b, ta, tb));
      } finally {
        tf.dispose([a, b]);
      }
    });
  }

  test('zero-size edges: m = 0, n = 0, k = 0 (zeros), empty batch', () => {
    for (const [sa, sb] of [[[0, 5], [5, 3]], [[4, 5], [5, 0]], [[4, 0], [0, 3]], [[0, 4, 5], [0, 5, 3]]]) {
      const a = tf.zeros(sa);
      const b = tf.zeros(sb);
      try {
        const [native] = onPath(true, () => tf.matMul(a, b));
        const [simd] = onPath(false, () => tf.matMul(a, b));
        assert.deepEqual(Array.from(native), Array.from(simd), `${JSON.stringify(sa)} x ${JSON.stringify(sb)}`);
        assert.ok(native.every((v) => v === 0));
      } finally {
        tf.dispose([a, b]);
      }
    }
    const a = tf.ones([3, 0]);
    const b = tf.ones([0, 2]);
    const [k0] = onPath(true, () => tf.matMul(a, b));
    assert.deepEqual(Array.from(k0), [0, 0, 0, 0, 0, 0]);
    tf.dispose([a, b]);
  });

  // [x shape, filter shape, stride, padding]: the convolutions of the CNN encoder (and
  // thinner ones that stay on XNNPACK), forward and both gradients.
  const convs: [number[], number[], number, 'same' | 'valid'][] = [
    [[8, 32, 32, 3], [3, 3, 3, 32], 1, 'same'],
    [[8, 16, 16, 32], [3, 3, 32, 64], 1, 'same'],
    [[8, 8, 8, 64], [3, 3, 64, 128], 1, 'same'],
    [[4, 9, 7, 16], [5, 5, 16, 8], 1, 'valid'],
    [[4, 9, 9, 8], [3, 3, 8, 12], 2, 'same'],
  ];
  for (const [xs, fs, stride, pad] of convs) {
    test(`conv2d ${JSON.stringify(xs)} * ${JSON.stringify(fs)} stride ${stride} ${pad}: forward and gradients`, () => {
      const x = tensor(xs) as tf.Tensor4D;
      const w = tensor(fs) as tf.Tensor4D;
      const dy = tf.tidy(() => tensor(tf.conv2d(x, w, stride, pad).shape.slice()));
      try {
        assertPathsAgree('conv2d', () => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad));
          return [tf.conv2d(x, w, stride, pad), ...g([x, w], dy)];
        });
      } finally {
        tf.dispose([x, w, dy]);
      }
    });
  }

  test('transposes and slices large enough for the binding\'s stridedCopy: the same bits on both paths', () => {
    const x = tensor([8, 17, 6, 32]);
    try {
      for (const perm of [[0, 2, 1, 3], [0, 3, 1, 2], [3, 2, 1, 0], [1, 0, 2, 3]]) {
        const [native] = onPath(true, () => tf.transpose(x, perm));
        const [simd] = onPath(false, () => tf.transpose(x, perm));
        assert.deepEqual(native, simd, `transpose ${JSON.stringify(perm)}`);
      }
      const [native] = onPath(true, () => tf.slice(x, [1, 2, 1, 3], [6, 13, 4, 20]));
      const [simd] = onPath(false, () => tf.slice(x, [1, 2, 1, 3], [6, 13, 4, 20]));
      assert.deepEqual(native, simd, 'slice');
    } finally {
      x.dispose();
    }
  });

  test('threads: 2 gives the BLAS two threads and leaves wasm on one; back to one thread each with threads: 1', async () => {
    try {
      const info = await initBackend({ backend: 'wasm', threads: 2 });
      assert.equal(info.threads, 2);
      assert.equal(getThreadsCount(), 1, 'wasm kernels on one thread');
      assert.equal(nativeBlas()!.info().threads, 2, 'the BLAS on two');
      assert.match(info.reason, /native products on 2 BLAS threads, the other kernels on one/);
      // Two BLAS threads round differently from one: their runs are apart.
      assert.match(String(currentArithmetic().products), / on 2 threads$/);
      const [a, b] = [tensor([300, 200]), tensor([200, 150])];
      assertPathsAgree('a product on two BLAS threads', () => tf.matMul(a, b));
      tf.dispose([a, b]);
    } finally {
      const one = await initBackend({ backend: 'wasm' });
      assert.equal(one.threads, 1);
      assert.equal(nativeBlas()!.info().threads, 1);
      assert.doesNotMatch(String(currentArithmetic().products), /threads/, 'one thread: the key as before');
    }
  });

  test('GELU and its gradient: the binding\'s gelu gives the bits of our SIMD kernel (random, tails, special values)', () => {
    const values = randomValues(rng, 40_003).map((v) => v * 12);
    values.set([0, -0, 1e-30, -1e-30, 3.4e38, -3.4e38, Infinity, -Infinity, NaN, 9.99, 10.01, -10.01, 13.2, -13.2, 1e-45, -1e-45], 0);
    const x = tf.tensor1d(values);
    const dy = tf.tensor1d(randomValues(rng, values.length));
    try {
      for (const n of [values.length, 16, 7]) {
        const xs = tf.slice(x, 0, n);
        const dys = tf.slice(dy, 0, n);
        const run = () => [tf.engine().runKernel(geluKernelName, { x: xs }) as tf.Tensor, tf.engine().runKernel(geluGradKernelName, { x: xs, dy: dys }) as tf.Tensor];
        const native = onPath(true, run);
        const simd = onPath(false, run);
        for (const k of [0, 1]) {
          assert.deepEqual(bits(native[k]), bits(simd[k]), `${k === 0 ? 'gelu' : 'gelu gradient'} of ${n} values`);
        }
        tf.dispose([xs, dys]);
      }
    } finally {
      tf.dispose([x, dy]);
    }
  });

  test('Exp: the binding gives the shipped kernel\'s bits (a stride through all float patterns, every float near its thresholds, odd lengths)', () => {
    const near = [0, 88, 88.72283172607422, -103.97207641601562, -87.33654022216797, 1, -1].map((v) => new Uint32Array(Float32Array.of(v).buffer)[0]);
    const patterns: number[] = [];
    for (let p = 12345; p < 2 ** 32; p += 4099) patterns.push(p);
    for (const center of near) for (let d = -2048; d <= 2048; d++) patterns.push((center + d) >>> 0, ((center ^ 0x80000000) + d) >>> 0);
    const values = new Float32Array(Uint32Array.from(patterns).buffer);
    const x = tf.tensor1d(values);
    const blas = nativeProducts()!;
    const saved = blas.exp!;
    let calls = 0;
    blas.exp = (...args) => {
      calls++;
      saved(...args);
    };
    try {
      for (const n of [values.length, 17, 8, 7, 1]) {
        const run = () => tf.exp(n === values.length ? x : tf.slice(x, values.length - n * 999, n));
        const native = onPath(true, run)[0];
        const shipped = onPath(false, run)[0];
        const a = new Uint32Array(native.buffer);
        const b = new Uint32Array(shipped.buffer);
        let differ = 0;
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
        assert.equal(differ, 0, `exp of ${n} values: ${differ} differ from the shipped kernel`);
      }
      assert.deepEqual(onPath(true, () => tf.exp(tf.tensor1d([0, -Infinity, Infinity, 89, -104, NaN])))[0], Float32Array.of(1, 0, Infinity, Infinity, 0, NaN));
      assert.deepEqual(onPath(true, () => tf.exp(tf.tensor1d([], 'float32')))[0], new Float32Array(0));
      assert.deepEqual(onPath(true, () => tf.exp(tf.tensor1d([0, 1], 'int32')))[0], onPath(false, () => tf.exp(tf.tensor1d([0, 1], 'int32')))[0], 'int32 input: the shipped kernel');
      assert.ok(calls >= 6, `the binding's exp ran (${calls} calls)`);
    } finally {
      blas.exp = saved;
      x.dispose();
    }
  });

  test('Exp: a binding whose exp differs from the shipped kernel on the check values is not used', () => {
    const blas = nativeProducts()!;
    const saved = blas.exp!;
    const x = tf.tensor1d([0.5, -3, 10, 42.25]);
    try {
      const shipped = onPath(false, () => tf.exp(x))[0];
      let calls = 0;
      blas.exp = (heap, n, xAt, outAt) => {
        calls++;
        saved(heap, n, xAt, outAt);
        heap[outAt + 7] = 0; // one value of the check set wrong
      };
      forgetNativeExpCheck();
      assert.deepEqual(onPath(true, () => tf.exp(x))[0], shipped);
      assert.equal(calls, 1, 'the binding ran once, for the check, and then not again');
      blas.exp = saved;
      forgetNativeExpCheck();
      assert.deepEqual(onPath(true, () => tf.exp(x))[0], shipped);
    } finally {
      blas.exp = saved;
      forgetNativeExpCheck();
      x.dispose();
    }
  });

  test('the moving-average update of targets in one kernel call gives the bits of the ops', () => {
    const shapes = [[300, 7], [5], [2000], [1, 1], [0, 3]];
    for (const momentum of [0.996, 0.9, 0.5, 1, 0]) {
      const run = (native: boolean): Float32Array[] => {
        const previous = useNativeProducts(native);
        const local = createRng(5);
        const make = (shape: number[]) => tf.tidy(() => tf.variable(tf.tensor(randomValues(local, shape.reduce((p, q) => p * q, 1)).map((v, i) => (i === 3 ? 1e38 : i === 4 ? -1e-40 : v * 3)), shape)));
        const target = shapes.map(make);
        const online = shapes.map(make);
        try {
          emaUpdate(target, online, momentum);
          emaUpdate(target, online, momentum);
          return target.map((t) => Float32Array.from(t.dataSync()));
        } finally {
          useNativeProducts(previous);
          tf.dispose([...target, ...online]);
        }
      };
      const before = tf.memory().numTensors;
      const native = run(true);
      assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
      const ops = run(false);
      native.forEach((values, v) => assert.deepEqual(bits(values), bits(ops[v]), `momentum ${momentum}, variable ${v}`));
    }
    assert.ok(hasEmaKernel(), 'the kernel is in use here');
  });

  test('Adam\'s update: the binding\'s adam gives the bits of our SIMD function (sizes with and without tails, special values, Adam and AdamW)', () => {
    const blas = nativeBlas()!;
    const shipped = blas.adam;
    assert.ok(shipped !== undefined, 'the binding built here has adam');
    let calls = 0;
    blas.adam = (...args) => {
      calls++;
      shipped(...args);
    };
    const local = createRng(17);
    // Sizes: a lone tail, groups of 4 and 8 with tails, and large ones.
    const sizes = [3, 4, 13, 4099, 65_536, 70_003];
    const special = [0, -0, 1e-40, -1e-40, 1e38, -1e38, 3.4e38, 1e-30];
    try {
      for (const n of sizes) {
        const draw = (scale: number, nonNegative = false) =>
          randomValues(local, n).map((v, i) => (i % 97 === 5 ? special[(i / 97) % special.length | 0] : nonNegative ? Math.abs(v) * scale : v * scale));
        const [p, g, m, v] = [draw(2), draw(0.5), draw(0.05), draw(0.01, true)];
        for (const [decoupled, step] of [[false, 1], [true, 7]] as const) {
          const attrs = { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step, weightDecay: decoupled ? 0.05 : 0.01, decoupled };
          const f = () => fusedAdam(tf.tensor1d(p), tf.tensor1d(g), tf.tensor1d(m), tf.tensor1d(v), attrs);
          const before = calls;
          const native = onPath(true, f);
          assert.equal(calls, before + (n >= 4 ? 1 : 0), `n ${n}: the binding is called once for the groups of 4 (not for a lone tail)`);
          const simd = onPath(false, f);
          native.forEach((values, k) => assert.deepEqual(bits(values), bits(simd[k]), `n ${n}, ${decoupled ? 'AdamW' : 'L2'}, output ${k}`));
        }
      }
    } finally {
      blas.adam = shipped;
    }
  });

  test('Add, Sub, Multiply, RealDiv (broadcasts both ways), Sum and Mean (leading and innermost axes), Tile: the same bits on both paths', () => {
    const shapes: [number[], number[]][] = [
      [[64, 48], [64, 48]],
      [[64, 48], [48]],
      [[48], [64, 48]],
      [[64, 48], [64, 1]],
      [[1, 48], [64, 1]],
      [[8, 16, 12], [16, 1]],
      [[4, 8, 16, 12], [4, 1, 16, 12]],
      [[64, 48], []],
      [[], [64, 48]],
      [[3, 5], [3, 5]],
    ];
    for (const [sa, sb] of shapes) {
      const a = tensor(sa);
      const b = tf.add(tf.abs(tensor(sb)), 0.25); // no division by values near 0
      try {
        for (const op of [tf.add, tf.sub, tf.mul, tf.div]) {
          const [native] = onPath(true, () => op(a, b));
          const [simd] = onPath(false, () => op(a, b));
          assert.deepEqual(bits(native), bits(simd), `${op.name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
        }
      } finally {
        tf.dispose([a, b]);
      }
    }
    const special = tf.tensor2d([NaN, Infinity, -Infinity, 0, -0, 1e-45, 3e38, -3e38], [8, 1]);
    const wide = tf.tile(special, [1, 256]);
    const [native] = onPath(true, () => [tf.mul(wide, tf.reverse(wide, 0)), tf.div(wide, tf.reverse(wide, 0)), tf.sub(wide, wide)]);
    const [simd] = onPath(false, () => [tf.mul(wide, tf.reverse(wide, 0)), tf.div(wide, tf.reverse(wide, 0)), tf.sub(wide, wide)]);
    assert.deepEqual(bits(native), bits(simd), 'special values');
    tf.dispose([special, wide]);
    const reductions: [number[], number[]][] = [
      [[600, 64], [0]], [[4, 300, 20], [0, 1]], [[3, 7, 5, 16], [1, 2]], [[2, 513, 12], [1]], // leading runs: column sums
      [[300, 65], [1]], [[17, 13, 128], [2]], [[6, 5, 7, 9], [2, 3]], [[70, 3], [0, 1]], [[1000], [0]], // innermost: row sums
    ];
    for (const [shape, axes] of reductions) {
      const x = tensor(shape);
      try {
        for (const reduce of [tf.sum, tf.mean]) {
          const [native] = onPath(true, () => reduce(x, axes));
          const [simd] = onPath(false, () => reduce(x, axes));
          assert.deepEqual(bits(native), bits(simd), `${reduce.name} ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`);
        }
      } finally {
        x.dispose();
      }
    }
    for (const [shape, reps] of [[[128, 65, 1], [1, 1, 128]], [[3, 1, 40], [2, 50, 1]], [[64], [70]], [[2, 3], [1, 1]], [[1, 1], [512, 512]]] as [number[], number[]][]) {
      const x = tensor(shape);
      const xi = tf.cast(tf.mul(x, 100), 'int32');
      try {
        const [native, nativeInt] = onPath(true, () => [tf.tile(x, reps), tf.tile(xi, reps)]);
        const [simd, simdInt] = onPath(false, () => [tf.tile(x, reps), tf.tile(xi, reps)]);
        assert.deepEqual(bits(native), bits(simd), `tile ${JSON.stringify(shape)} by ${JSON.stringify(reps)}`);
        assert.deepEqual(nativeInt, simdInt, `int32 tile ${JSON.stringify(shape)} by ${JSON.stringify(reps)}`);
      } finally {
        tf.dispose([x, xi]);
      }
    }
  });

  test('the affine warp of the augmentations: the binding\'s gives the bits of the JavaScript loops, every fill mode', () => {
    const images = tf.tensor4d(randomValues(rng, 24 * 9 * 11 * 3).map((v) => v + 0.5), [24, 9, 11, 3]);
    const draw = createRng(31);
    // Rotations, shears, zooms and shifts that reach outside the image, and one identity.
    const selected = Array.from({ length: 20 }, (_, i) => (i * 7) % 24);
    const coefficients = Array.from({ length: selected.length * 6 }, (_, i) => (i % 3 === 2 ? draw.uniform(-6, 6) : draw.uniform(-1.4, 1.4)));
    coefficients.splice(18, 6, 1, 0, 0, 0, 1, 0);
    try {
      for (const mode of fillModes) {
        const run = () => warpBilinear(images, selected, coefficients, mode, 0.25);
        const [native] = onPath(true, run);
        const [js] = onPath(false, run);
        assert.deepEqual(native, js, `fill mode ${mode}`);
      }
      const [notFinite] = onPath(true, () => warpBilinear(images, [1], [1, 0, NaN, 0, 1, 0]));
      const [notFiniteJs] = onPath(false, () => warpBilinear(images, [1], [1, 0, NaN, 0, 1, 0]));
      assert.deepEqual(notFinite, notFiniteJs, 'a coefficient that is not finite: the JavaScript loops on both');
    } finally {
      images.dispose();
    }
  });

  test('the warp of one-channel images with a constant fill (four pixels at a time in the binding) gives the bits of the JavaScript loops', () => {
    for (const [height, width] of [[28, 28], [9, 13], [5, 3], [1, 1]]) {
      const images = tf.tensor4d(randomValues(rng, 12 * height * width).map((v) => v + 0.5), [12, height, width, 1]);
      const draw = createRng(height * 100 + width);
      const selected = Array.from({ length: 10 }, (_, i) => i + 1);
      const coefficients = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? draw.uniform(-8, 8) : draw.uniform(-1.5, 1.5)));
      // The identity, exact integer shifts, and maps so large that taps fall outside or overflow.
      coefficients.splice(0, 18, 1, 0, 0, 0, 1, 0, 1, 0, 2, 0, 1, -1, 1e300, 0, 0, 0, 1, 0);
      coefficients.splice(18, 6, 0, -1e300, 1e300, 1e-300, 0, -0.5);
      try {
        for (const fill of [0, 0.25]) {
          const run = () => warpBilinear(images, selected, coefficients, 'constant', fill);
          const [native] = onPath(true, run);
          const [js] = onPath(false, run);
          assert.deepEqual(bits(native), bits(js), `${height}x${width}, fill ${fill}`);
        }
      } finally {
        images.dispose();
      }
    }
  });

  test('the Gaussian noise of the augmentations: the binding\'s draws and sums give the bits of the JavaScript loops', () => {
    const cases: Array<[[number, number, number, number], Parameters<typeof gaussianNoise>[0]]> = [
      [[64, 28, 28, 1], { std: 0.05 }],
      [[9, 5, 3, 3], { std: 0.3, p: 0.6 }],
      [[7, 3, 3, 1], { std: 2, clip: false }],
      [[700, 28, 28, 1], { std: 0.05, p: 0.9 }], // three chunks of the binding's pairs
      [[2, 513, 513, 1], { std: 0.1 }], // more values per image than a chunk holds: JavaScript
    ];
    for (const [shape, options] of cases) {
      const images = tf.tensor4d(randomValues(rng, shape.reduce((a, b) => a * b, 1)).map((v) => v + 0.5), shape);
      try {
        const run = () => gaussianNoise(options)(images, createRng(shape[0]));
        const [native] = onPath(true, run);
        const [js] = onPath(false, run);
        assert.deepEqual(bits(native), bits(js), `${JSON.stringify(shape)} ${JSON.stringify(options)}`);
        assert.notDeepEqual(native, images.dataSync(), 'noise was added');
      } finally {
        images.dispose();
      }
    }
  });

  test('the Gaussian noise of DP-SGD: the binding\'s draws give the bits of the JavaScript draws and leave the generator in the same state', () => {
    // 8193 and 24_577: odd, one and five pairs past the binding's blocks of 4096 pairs.
    for (const [n, std] of [[300_001, 0.7], [2, 1], [1, 3], [0, 1], [8193, 0.01], [24_577, 1e30]] as const) {
      const run = (native: boolean): [Float32Array, number] => {
        const previous = useNativeProducts(native);
        try {
          const rng = createRng(n);
          return [normalDraws(rng, n, std), rng.uint32()];
        } finally {
          useNativeProducts(previous);
        }
      };
      const [native, nextNative] = run(true);
      const [js, nextJs] = run(false);
      assert.deepEqual(bits(native), bits(js), `${n} draws of std ${std}`);
      assert.equal(nextNative, nextJs, 'the next draw');
    }
    const blas = nativeProducts()!;
    const saved = blas.normalDraws;
    try {
      delete (blas as { normalDraws?: unknown }).normalDraws;
      const [without] = onPath(true, () => tf.tensor1d(normalDraws(createRng(3), 1001, 0.5)));
      const [js] = onPath(false, () => tf.tensor1d(normalDraws(createRng(3), 1001, 0.5)));
      assert.deepEqual(bits(without), bits(js), 'a binding without normalDraws: the JavaScript draws');
    } finally {
      blas.normalDraws = saved;
    }
  });

  test('normalDraws: a bad state throws and draws nothing', () => {
    const { normalDraws: draws } = nativeProducts()!;
    assert.ok(draws !== undefined, 'the binding built here has normalDraws');
    const out = new Float32Array(10);
    const state = Int32Array.of(1, 2, 3);
    assert.throws(() => draws(state, out, 1), RangeError, 'a state of 3');
    assert.throws(() => draws(rngState(createRng(1))!, new Float64Array(10) as unknown as Float32Array, 1), TypeError, 'a Float64Array out');
    assert.deepEqual(out, new Float32Array(10), 'nothing written');
    assert.deepEqual(state, Int32Array.of(1, 2, 3), 'the state left');
  });

  test('l2Normalize in one kernel each way gives the bits of the ops and their gradients', () => {
    assert.ok(hasL2NormalizeKernels(), 'the kernels are in use on the native path');
    const cases: Array<[number[], (i: number) => number]> = [
      [[128, 128], () => rng.normal()],
      [[256, 512], (i) => rng.normal() * (i % 7 === 0 ? 1e-20 : 1)],
      [[6, 5], (i) => [0, 1e-30, NaN, Infinity, 3e38, -0][Math.floor(i / 5)] * (i % 5 === 0 ? 1 : 0.5)], // rows of zeros, tiny, NaN, infinity, overflow
      [[7, 1], (i) => (i < 3 ? 0 : rng.normal())],
      [[3, 4, 9], () => rng.normal()],
    ];
    for (const [shape, value] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const z = tf.tensor(Float32Array.from({ length: size }, (_, i) => value(i)), shape);
      const dy = tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
      const run = (f: (x: tf.Tensor) => tf.Tensor) => onPath(true, () => [f(z), tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), dy)))(z)]);
      try {
        const [value1, grad1] = run(l2NormalizeByKernels);
        const [value2, grad2] = run(l2NormalizeByOps);
        assert.deepEqual(bits(value1), bits(value2), `forward ${JSON.stringify(shape)}`);
        assert.deepEqual(bits(grad1), bits(grad2), `gradient ${JSON.stringify(shape)}`);
      } finally {
        tf.dispose([z, dy]);
      }
    }
  });

  test('the negative cosine in one kernel each way gives the bits of the ops: loss and both gradients', () => {
    assert.ok(hasNegativeCosineKernels(), 'the kernels are in use on the native path');
    for (const [n, d, special] of [[128, 128, false], [96, 32, false], [5, 3, true], [7, 5, false], [1, 1, false]] as const) {
      const draw = createRng(n + d);
      const values = (size: number) => Float32Array.from({ length: size }, (_, i) => (special && i < 3 ? [0, NaN, 1e-30][i] : draw.normal()));
      const p = tf.tensor2d(values(n * d), [n, d]);
      const z = tf.tensor2d(values(n * d).reverse(), [n, d]);
      const run = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar) =>
        onPath(true, () => {
          const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), 0.37) as tf.Scalar)([p, z]);
          return [value, ...grads];
        });
      try {
        const byKernels = run(negativeCosineByKernels as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar);
        const byOps = run(negativeCosineByOps);
        byKernels.forEach((values, i) => assert.deepEqual(bits(values), bits(byOps[i]), `[${n}, ${d}]: ${['loss', 'dp', 'dz'][i]}`));
      } finally {
        tf.dispose([p, z]);
      }
    }
  });

  test('layer norm in one kernel each way gives the bits of the ops: output and the gradients of x, gamma and beta', () => {
    const binding = nativeBlas()!;
    let calls = 0;
    const run = (shape: number[], useKernels: boolean, epsilon: number): Float32Array[] => {
      const saved = binding.layerNorm!;
      if (!useKernels) delete (binding as { layerNorm?: unknown }).layerNorm;
      else
        binding.layerNorm = (...args) => {
          calls++;
          saved(...args);
        };
      const c = shape[shape.length - 1];
      const scope = createParamScope(`ln_native_${shape.join('x')}`, 0);
      try {
        const layer = createLayerNorm(scope.child('ln'), c, { epsilon });
        const draw = createRng(shape.reduce((p, q) => p * q, 1) + c);
        const size = shape.reduce((p, q) => p * q, 1);
        const values = (n: number, scale = 1, shift = 0) => Float32Array.from({ length: n }, () => shift + scale * draw.normal());
        tf.tidy(() => {
          layer.gamma.assign(tf.tensor(values(c, 0.5, 1)));
          layer.beta.assign(tf.tensor(values(c, 0.3)));
        });
        // Rows of every scale: ordinary, near-constant (variance below epsilon), huge and tiny.
        const xs = values(size, 3, 0.5).map((v, i) => {
          const row = Math.floor(i / c);
          return row % 7 === 1 ? 2 + v * 1e-4 : row % 7 === 2 ? v * 1e6 : row % 7 === 3 ? v * 1e-20 : v;
        });
        const x = tf.tensor(xs, shape);
        const dy = tf.tensor(values(size), shape);
        assert.equal(layerNormByKernelsApplies(x), useKernels, `the kernels ${useKernels ? 'apply' : 'do not apply'}`);
        const f = (v: tf.Tensor) => tf.sum(tf.mul(applyLayerNorm(layer, v), dy));
        const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, [layer.gamma, layer.beta]);
        const dx = tf.grad(f)(x);
        const y = applyLayerNorm(layer, x);
        const out = [y, value, grads[layer.gamma.name], grads[layer.beta.name], dx].map((t) => Float32Array.from(t.dataSync()));
        tf.dispose([x, dy, y, value, dx, ...Object.values(grads)]);
        return out;
      } finally {
        binding.layerNorm = saved;
        disposeScope(scope);
      }
    };
    for (const [shape, epsilon] of [[[64, 17, 128], 1e-6], [[64, 64, 64], 1e-6], [[5, 192], 1e-5], [[300, 4], 1e-5], [[1, 8], 1e-5]] as const) {
      const before = calls;
      const live = tf.memory().numTensors;
      const kernels = run([...shape], true, epsilon);
      assert.equal(calls - before, 5, `[${shape}]: three forward passes and two backward through the binding`);
      assert.equal(tf.memory().numTensors, live, `[${shape}]: no tensor left behind`);
      const ops = run([...shape], false, epsilon);
      kernels.forEach((values, i) => assert.deepEqual(bits(values), bits(ops[i]), `[${shape}]: ${['y', 'loss', 'dgamma', 'dbeta', 'dx'][i]}`));
    }
    const scope = createParamScope('ln_native_apply', 0);
    try {
      tf.tidy(() => {
        assert.equal(layerNormByKernelsApplies(tf.zeros([4, 6])), false, 'channels not a multiple of 4: the ops');
        assert.equal(layerNormByKernelsApplies(tf.zeros([8])), false, 'one axis: the ops');
        assert.equal(layerNormByKernelsApplies(tf.zeros([0, 8])), false, 'no rows: the ops');
        assert.equal(layerNormByKernelsApplies(tf.zeros([2, 8], 'int32')), false, 'int32: the ops');
      });
    } finally {
      disposeScope(scope);
    }
  });

  test('the heads\' batch norm in one kernel each way gives the bits of the ops: output, gradients, running statistics', () => {
    const binding = nativeBlas()!;
    const run = (n: number, c: number, useKernels: boolean): Float32Array[] => {
      const saved = binding.denseBatchNorm;
      if (!useKernels) delete (binding as { denseBatchNorm?: unknown }).denseBatchNorm;
      const scope = createParamScope(`bn_native_${n}_${c}`, 0);
      try {
        assert.equal(denseBatchNormByKernelsApplies(n, c), useKernels, `the kernels ${useKernels ? 'apply' : 'do not apply'}`);
        const bn = createBatchNorm(scope.child('bn'), c, { momentum: 0.9, epsilon: 1e-5 });
        const draw = createRng(n * 1000 + c);
        const values = (size: number, scale = 1, shift = 0) => tf.tensor(Float32Array.from({ length: size }, () => shift + scale * draw.normal()));
        tf.tidy(() => {
          bn.gamma.assign(values(c, 0.5, 1));
          bn.beta.assign(values(c, 0.3));
          bn.movingMean.assign(values(c, 0.2));
          bn.movingVariance.assign(values(c, 0.1, 1));
        });
        const x = tf.reshape(values(n * c, 3, 0.5), [n, c]) as tf.Tensor2D;
        const dy = tf.reshape(values(n * c), [n, c]);
        const out: Float32Array[] = [];
        for (let step = 0; step < 2; step++) {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(applyBatchNorm(bn, tf.mul(x, step + 1) as tf.Tensor2D, true), dy)) as tf.Scalar, [bn.gamma, bn.beta]);
          const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(applyBatchNorm(bn, v as tf.Tensor2D, true), dy)))(x);
          out.push(...[value, grads[bn.gamma.name], grads[bn.beta.name], dx, bn.movingMean, bn.movingVariance].map((t) => Float32Array.from(t.dataSync())));
          tf.dispose([value, dx, ...Object.values(grads)]);
        }
        tf.dispose([x, dy]);
        return out;
      } finally {
        binding.denseBatchNorm = saved;
        disposeScope(scope);
      }
    };
    for (const [n, c] of [[256, 512], [256, 32], [300, 8], [2, 4]]) {
      const kernels = run(n, c, true);
      const ops = run(n, c, false);
      kernels.forEach((values, i) => assert.deepEqual(bits(values), bits(ops[i]), `[${n}, ${c}]: ${['loss', 'dgamma', 'dbeta', 'dx', 'moving mean', 'moving variance'][i % 6]}, step ${Math.floor(i / 6) + 1}`));
    }
    assert.equal(denseBatchNormByKernelsApplies(256, 6), false, 'channels not a multiple of 4: the ops');
    assert.equal(denseBatchNormByKernelsApplies(1, 8), false, 'one row: the ops');
  });

  /** Gradients of a scalar function of the encoder's output with respect to its variables, on one path. */
  function encoderGradients(encoder: Encoder, images: tf.Tensor4D, target: tf.Tensor, native: boolean): Float32Array[] {
    return onPath(native, () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(encoder.apply(images, true), target))), encoder.variables as tf.Variable[]);
      return [value, ...encoder.variables.map((v) => grads[v.name])];
    });
  }

  const encoders: [string, () => Encoder, [number, number, number, number], number][] = [
    ['MLP', () => mlpEncoder({ seed: 1 }), [32, 28, 28, 1], 1e-4],
    ['CNN', () => cnnEncoder({ seed: 2 }), [16, 32, 32, 3], 1e-4],
    ['ViT', () => vitEncoder({ seed: 3, dim: 32, depth: 1, heads: 2, patchSize: 4, inputShape: [16, 16, 3] }), [8, 16, 16, 3], 1e-4],
  ];
  for (const [label, make, shape, tol] of encoders) {
    test(`${label} encoder: loss and every gradient match between the paths (relative error <= ${tol})`, () => {
      const encoder = make();
      const images = tf.randomUniform(shape, 0, 1, 'float32', 5) as tf.Tensor4D;
      const target = tf.randomNormal([shape[0], encoder.outDim], 0, 1, 'float32', 6);
      try {
        const native = encoderGradients(encoder, images, target, true);
        const simd = encoderGradients(encoder, images, target, false);
        assert.equal(native.length, encoder.variables.length + 1);
        native.forEach((values, i) => {
          const what = i === 0 ? 'loss' : `gradient of ${encoder.variables[i - 1].name}`;
          const err = relativeError(values, simd[i]);
          assert.ok(err <= tol, `${label} ${what}: relative error ${err.toExponential(2)} > ${tol}`);
        });
      } finally {
        tf.dispose([images, target]);
        encoder.dispose();
      }
    });
  }
});

describe('the native binding itself', { skip }, () => {
  let blas: NonNullable<ReturnType<typeof nativeBlas>>;
  before(() => {
    blas = nativeBlas()!;
  });
  after(() => {
    blas.setThreads(1);
  });

  /** Naive float64 product of row-major strided operands. */
  function naive(h: Float32Array, ta: boolean, tb: boolean, m: number, n: number, k: number, ao: number, lda: number, bo: number, ldb: number): Float64Array {
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += h[ao + (ta ? p * lda + i : i * lda + p)] * h[bo + (tb ? j * ldb + p : p * ldb + j)];
        out[i * n + j] = acc;
      }
    return out;
  }

  test('strided views at offsets, every transpose, a batch of entries, beta = 1 accumulates', () => {
    const rng = createRng(7);
    const heap = randomValues(rng, 20000);
    const [m, n, k] = [5, 7, 9];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const lda = (ta ? m : k) + 3;
      const ldb = (tb ? k : n) + 2;
      const ldc = n + 4;
      const ao = [11, 301];
      const bo = [1001, 1500];
      const co = [5000, 6000];
      const expected = ao.map((a, i) => naive(heap, ta, tb, m, n, k, a, lda, bo[i], ldb));
      const before = Float32Array.from(heap.subarray(5000, 7000));
      blas.sgemmBatch(heap, ta, tb, m, n, k, 1, Int32Array.from(ao), lda, Int32Array.from(bo), ldb, 0, Int32Array.from(co), ldc);
      for (let i = 0; i < 2; i++) {
        const got = new Float32Array(m * n);
        for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) got[r * n + j] = heap[co[i] + r * ldc + j];
        assert.ok(relativeError(got, expected[i]) < 1e-5, `ta=${ta} tb=${tb} entry ${i}`);
        // The padding between rows of C is left alone.
        for (let r = 0; r < m - 1; r++) for (let j = n; j < ldc; j++) assert.equal(heap[co[i] + r * ldc + j], before[co[i] - 5000 + r * ldc + j]);
      }
      const once = Float32Array.from(heap.subarray(co[0], co[0] + m * ldc));
      blas.sgemmBatch(heap, ta, tb, m, n, k, 1, Int32Array.of(ao[0]), lda, Int32Array.of(bo[0]), ldb, 1, Int32Array.of(co[0]), ldc);
      for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) {
        const v = heap[co[0] + r * ldc + j];
        assert.ok(Math.abs(v - 2 * once[r * ldc + j]) <= 1e-5 * Math.max(1, Math.abs(v)), 'beta = 1 doubles');
      }
    }
  });

  test('ranges outside the heap throw a RangeError and write nothing', () => {
    const heap = new Float32Array(64).fill(1);
    const copy = Float32Array.from(heap);
    assert.throws(() => blas.sgemmBatch(heap, false, false, 4, 4, 4, 1, Int32Array.of(0), 4, Int32Array.of(16), 4, 0, Int32Array.of(50), 4), RangeError);
    assert.throws(() => blas.sgemmBatch(heap, false, false, 4, 4, 4, 1, Int32Array.of(0, 0), 4, Int32Array.of(16, 16), 4, 0, Int32Array.of(32, 61), 4), RangeError);
    assert.throws(() => blas.sgemmBatch(heap, false, false, 4, 4, 4, 1, Int32Array.of(0), 3, Int32Array.of(16), 4, 0, Int32Array.of(32), 4), RangeError, 'lda < columns');
    assert.deepEqual(heap, copy, 'nothing written when any entry is out of range');
  });

  test('convGrid: forward and filter gradient on a grid match a naive im2row product, chunk by chunk', () => {
    const convGrid = blas.convGrid;
    assert.ok(convGrid !== undefined, 'the binding built here has convGrid');
    const rng = createRng(9);
    // A grid of 40 cells, cells 5 floats apart with 3 channels, rows of the image wp = 6 cells.
    const [cells, cs, ci, wp, kh, kw, co] = [40, 5, 3, 6, 2, 3, 4];
    const k = kh * kw * ci;
    const gridAt = 10;
    const filterAt = 400;
    const ioAt = 500;
    const scratchAt = 700;
    const heap = randomValues(rng, 2000);
    const im2row = (q: number, col: number): number => {
      const tap = Math.floor(col / ci);
      const [a, e] = [Math.floor(tap / kw), tap % kw];
      return heap[gridAt + (q + a * wp + e) * cs + (col % ci)];
    };
    for (const chunk of [7, 40, 100]) {
      const expected = new Float32Array(cells * co);
      for (let q = 0; q < cells; q++) {
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let c = 0; c < k; c++) sum += im2row(q, c) * heap[filterAt + c * co + o];
          expected[q * co + o] = sum;
        }
      }
      convGrid(heap, false, gridAt, cs, ci, wp, kh, kw, cells, filterAt, co, ioAt, scratchAt, chunk);
      assert.ok(relativeError(heap.slice(ioAt, ioAt + cells * co), expected) < 1e-5, `forward, chunk ${chunk}`);
      const grad = new Float32Array(k * co);
      for (let c = 0; c < k; c++) {
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let q = 0; q < cells; q++) sum += im2row(q, c) * heap[ioAt + q * co + o];
          grad[c * co + o] = sum;
        }
      }
      convGrid(heap, true, gridAt, cs, ci, wp, kh, kw, cells, filterAt, co, ioAt, scratchAt, chunk);
      assert.ok(relativeError(heap.slice(filterAt, filterAt + k * co), grad) < 1e-5, `filter gradient, chunk ${chunk}`);
    }
    const copy = Float32Array.from(heap);
    assert.throws(() => convGrid(heap, false, gridAt, cs, ci, wp, kh, kw, cells, filterAt, co, 1990, scratchAt, 8), RangeError, 'output past the heap');
    assert.throws(() => convGrid(heap, false, gridAt, cs, ci, wp, kh, kw, cells, filterAt, co, ioAt, 1999, 8), RangeError, 'scratch past the heap');
    assert.throws(() => convGrid(heap, false, gridAt, 2, ci, wp, kh, kw, cells, filterAt, co, ioAt, scratchAt, 8), RangeError, 'cell stride < channels');
    assert.deepEqual(heap, copy, 'nothing written when a range is out of bounds');
  });

  test('convGrid with the BLAS on two threads: the forward chunks shared by two threads give the bits of one, the BLAS left at two', () => {
    const convGrid = blas.convGrid!;
    const [cells, cs, ci, wp, kh, kw, co] = [300, 8, 8, 20, 3, 3, 16];
    const heap = randomValues(createRng(12), 20000);
    const [gridAt, filterAt, ioAt, scratchAt] = [0, 3000, 4500, 9500];
    const run = (threads: number, grad: boolean): Float32Array => {
      const copy = Float32Array.from(heap);
      blas.setThreads(threads);
      try {
        convGrid(copy, grad, gridAt, cs, ci, wp, kh, kw, cells, filterAt, co, ioAt, scratchAt, 37);
        assert.equal(blas.info().threads, threads, 'the BLAS\'s thread count restored');
      } finally {
        blas.setThreads(1);
      }
      return grad ? copy.slice(filterAt, filterAt + kh * kw * ci * co) : copy.slice(ioAt, ioAt + cells * co);
    };
    assert.deepEqual(run(2, false), run(1, false), 'forward, 9 chunks');
    assert.deepEqual(run(2, true), run(1, true), 'filter gradient');
  });

  test('with two threads in force, every kernel that shares its parts with the helper thread gives the bits of one thread', () => {
    // Sizes above each kernel's sharing threshold, with odd tails; each case run at one thread,
    // then three times at two (the parts are claimed by whichever thread comes first).
    const size = 1 << 21;
    const source = randomValues(createRng(31), size);
    const [rows, c] = [1037, 129];
    const cases: Array<[string, (h: Float32Array) => void, number, number]> = [
      ['gelu', (h) => blas.gelu!(h, 0, 300_001, Int32Array.of(0, 600_000)), 600_000, 300_001],
      ['gelu gradient', (h) => blas.gelu!(h, 1, 300_001, Int32Array.of(0, 300_001, 600_002)), 600_002, 300_001],
      ['exp', (h) => blas.exp!(h, 200_003, 0, 400_000), 400_000, 200_003],
      ['binary, a broadcast row', (h) => blas.binary!(h, 2, Int32Array.of(rows, c), 0, Int32Array.of(c, 1), 500_000, Int32Array.of(0, 1), 600_000), 600_000, rows * c],
      ['stridedCopy, a transpose', (h) => blas.stridedCopy!(h, 0, 600_000, Int32Array.of(c, rows), Int32Array.of(1, c)), 600_000, rows * c],
      ['stridedCopy, four axes permuted', (h) => blas.stridedCopy!(h, 0, 600_000, Int32Array.of(7, 13, 11, 101), Int32Array.of(101, 7 * 11 * 101, 7 * 101, 1)), 600_000, 7 * 13 * 11 * 101],
      ['binary, three axes with a broadcast middle one', (h) => blas.binary!(h, 0, Int32Array.of(9, 17, 211), 0, Int32Array.of(17 * 211, 211, 1), 500_000, Int32Array.of(211, 0, 1), 600_000), 600_000, 9 * 17 * 211],
      ['binary, one long row divided by a scalar (parts inside the row)', (h) => blas.binary!(h, 3, Int32Array.of(300_007), 0, Int32Array.of(1), 500_000, Int32Array.of(0), 600_000), 600_000, 300_007],
      ['binary, three long rows (parts that start and end mid-row)', (h) => blas.binary!(h, 1, Int32Array.of(3, 100_003), 0, Int32Array.of(100_003, 1), 400_000, Int32Array.of(0, 1), 600_000), 600_000, 300_009],
      ['rowSums', (h) => blas.rowSums!(h, 0, 20_011, 37, true, 900_000), 900_000, 20_011],
      ['columnSums', (h) => blas.columnSums!(h, 0, 3, 2001, 301, 256, 0.5, 1_900_000), 1_900_000, 3 * 301],
      ['layerNorm forward', (h) => blas.layerNorm!(h, 0, rows, c, Math.fround(1e-5), Int32Array.of(0, 200_000, 200_200, 300_000, 500_000, 700_000, 702_000, 800_000)), 300_000, 602_000],
      ['layerNorm gradient', (h) => blas.layerNorm!(h, 1, rows, c, 0, Int32Array.of(0, 200_000, 300_000, 500_000, 502_000, 504_000, 700_000, 900_000, 900_200)), 700_000, 200_400],
      ['adam', (h) => blas.adam!(h, 100_003, Int32Array.of(0, 100_003, 200_006, 300_009, 400_012, 500_015, 600_018), Float64Array.from([0.9, 0.1, 0.999, Math.fround(0.001), Math.fround(0.01), Math.fround(1 / 0.999), Math.fround(1e-8), 1, 0].map(Math.fround))), 400_012, 300_009],
      ['denseBatchNorm forward', (h) => blas.denseBatchNorm!(h, 0, 300, 257, Float64Array.of(Math.fround(1e-3), Math.fround(0.9), Math.fround(0.1), Math.fround((0.1 * 300) / 299), 1 / 300), Int32Array.of(0, 100_000, 100_300, 100_600, 100_900, 200_000, 300_000, 400_000, 400_300, 400_600)), 200_000, 200_900],
      ['denseBatchNorm gradient', (h) => blas.denseBatchNorm!(h, 1, 300, 257, Float64Array.of(300), Int32Array.of(0, 100_000, 200_000, 200_300, 300_000, 400_000, 400_300)), 300_000, 100_600],
      ['ema', (h) => blas.ema!(h, Math.fround(0.99), Math.fround(0.01), Int32Array.of(50_000, 3, 70_001), Int32Array.of(0, 200_000, 400_000, 60_000, 260_000, 460_000, 70_000, 270_000, 470_000)), 400_000, 140_001],
      ['a batch of small products', (h) => blas.sgemmBatch(h, false, true, 65, 32, 65, 1, Int32Array.from({ length: 37 }, (_, i) => i * 5000), 65, Int32Array.from({ length: 37 }, (_, i) => 300_000 + i * 3000), 65, 0, Int32Array.from({ length: 37 }, (_, i) => 600_000 + i * 2080), 32), 600_000, 37 * 2080],
    ];
    const warpSource = randomValues(createRng(32), 300 * 28 * 28);
    const selected = Int32Array.from({ length: 150 }, (_, i) => 2 * i);
    const coefficients = Float64Array.from({ length: 6 * 150 }, (_, i) => [1.1, 0.2, -1.5, -0.1, 0.9, 2.2][i % 6] + 0.001 * Math.floor(i / 6));
    const warped = (threads: number): Float32Array => {
      blas.setThreads(threads);
      const out = new Float32Array(warpSource.length);
      blas.warp!(warpSource, out, 28, 28, 1, selected, coefficients, 0, 0);
      blas.warp!(warpSource, out, 28, 28, 1, selected.map((i) => i + 1), coefficients, 1, 0);
      return out;
    };
    try {
      for (const [label, run, at, length] of cases) {
        const once = Float32Array.from(source);
        blas.setThreads(1);
        run(once);
        for (let round = 0; round < 3; round++) {
          const shared = Float32Array.from(source);
          blas.setThreads(2);
          run(shared);
          assert.ok(sameBits(shared.subarray(at, at + length), once.subarray(at, at + length)), `${label}, round ${round}`);
          assert.ok(sameBits(shared, once), `${label}: nothing else written differently`);
        }
      }
      const once = warped(1);
      for (let round = 0; round < 3; round++) assert.ok(sameBits(warped(2), once), `warp, round ${round}`);
    } finally {
      blas.setThreads(1);
    }
  });

  test('batchNorm: statistics, forward and gradient of rows match float64 formulas; bad ranges throw and write nothing', () => {
    const batchNorm = blas.batchNorm;
    assert.ok(batchNorm !== undefined, 'the binding built here has batchNorm');
    const [n, c, eps] = [7, 3, 1e-3];
    const heap = randomValues(createRng(4), 200);
    const [x, mean, variance, gamma, beta, y, dy, dx, dGamma, dBeta] = [0, 30, 40, 50, 60, 70, 100, 130, 160, 170];
    batchNorm(heap, 0, n, c, eps, Int32Array.of(x, mean, variance));
    for (let j = 0; j < c; j++) {
      let m = 0;
      for (let r = 0; r < n; r++) m += heap[x + r * c + j] / n;
      let v = 0;
      for (let r = 0; r < n; r++) v += (heap[x + r * c + j] - m) ** 2 / n;
      assert.ok(Math.abs(heap[mean + j] - m) < 1e-6 && Math.abs(heap[variance + j] - v) < 1e-6, `statistics of channel ${j}`);
    }
    batchNorm(heap, 1, n, c, eps, Int32Array.of(x, mean, variance, gamma, beta, y));
    batchNorm(heap, 2, n, c, eps, Int32Array.of(x, mean, variance, gamma, dy, dx, dGamma, dBeta));
    for (let j = 0; j < c; j++) {
      const s = 1 / Math.sqrt(heap[variance + j] + eps);
      let sumDy = 0;
      let sumDyXc = 0;
      for (let r = 0; r < n; r++) {
        const i = r * c + j;
        const xc = heap[x + i] - heap[mean + j];
        assert.ok(Math.abs(heap[y + i] - (heap[gamma + j] * xc * s + heap[beta + j])) < 1e-5, `y[${i}]`);
        sumDy += heap[dy + i];
        sumDyXc += heap[dy + i] * xc;
      }
      assert.ok(Math.abs(heap[dBeta + j] - sumDy) < 1e-5 && Math.abs(heap[dGamma + j] - s * sumDyXc) < 1e-5, `dgamma, dbeta of channel ${j}`);
      for (let r = 0; r < n; r++) {
        const i = r * c + j;
        const xc = heap[x + i] - heap[mean + j];
        const want = heap[gamma + j] * s * (heap[dy + i] - sumDy / n - (xc * s * s * sumDyXc) / n);
        assert.ok(Math.abs(heap[dx + i] - want) < 1e-5, `dx[${i}]`);
      }
    }
    const copy = Float32Array.from(heap);
    assert.throws(() => batchNorm(heap, 1, n, c, eps, Int32Array.of(x, mean, variance, gamma, beta, 190)), RangeError, 'y past the heap');
    assert.throws(() => batchNorm(heap, 0, n, c, eps, Int32Array.of(x, mean)), RangeError, 'too few offsets');
    assert.throws(() => batchNorm(heap, 3 as 0, n, c, eps, Int32Array.of(x, mean, variance)), RangeError, 'unknown op');
    assert.deepEqual(heap, copy, 'nothing written');
  });

  test('stridedCopy: bits copied through strides; bad ranges throw and write nothing', () => {
    const stridedCopy = blas.stridedCopy;
    assert.ok(stridedCopy !== undefined, 'the binding built here has stridedCopy');
    const heap = randomValues(createRng(6), 400);
    // A 3 x 4 window of rows 10 apart, columns 2 apart, from 5; to 300.
    stridedCopy(heap, 5, 300, Int32Array.of(3, 4), Int32Array.of(10, 2));
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) assert.equal(heap[300 + r * 4 + c], heap[5 + r * 10 + c * 2]);
    stridedCopy(heap, 0, 350, Int32Array.of(2, 3, 5), Int32Array.of(40, 10, 1));
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 5; c++) assert.equal(heap[350 + (a * 3 + b) * 5 + c], heap[a * 40 + b * 10 + c]);
    const copy = Float32Array.from(heap);
    assert.throws(() => stridedCopy(heap, 5, 395, Int32Array.of(3, 4), Int32Array.of(10, 2)), RangeError, 'destination past the heap');
    assert.throws(() => stridedCopy(heap, 390, 0, Int32Array.of(3, 4), Int32Array.of(10, 2)), RangeError, 'source past the heap');
    assert.throws(() => stridedCopy(heap, 5, 0, Int32Array.of(3, 4), Int32Array.of(-10, 2)), RangeError, 'negative stride');
    assert.deepEqual(heap, copy, 'nothing written');
  });

  test('gelu: values as the formula in float64 (to 1e-6); bad ops and ranges throw and write nothing', () => {
    const gelu = blas.gelu;
    assert.ok(gelu !== undefined, 'the binding built here has gelu');
    const heap = randomValues(createRng(7), 300).map((v) => v * 4);
    gelu(heap, 0, 100, Int32Array.of(0, 100));
    gelu(heap, 1, 100, Int32Array.of(0, 200, 200));
    const erf = (z: number): number => {
      // float64 series, enough for |z| <= 3 at 1e-12
      let sum = 0, term = z;
      for (let k = 0; k < 80; k++) {
        sum += term / (2 * k + 1);
        term *= (-z * z) / (k + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    for (let i = 0; i < 100; i++) {
      const x = heap[i];
      const phi = 0.5 * (1 + erf(x / Math.SQRT2));
      assert.ok(Math.abs(heap[100 + i] - x * phi) <= 1e-6 * Math.max(1, Math.abs(x)), `gelu(${x})`);
    }
    const copy = Float32Array.from(heap);
    assert.throws(() => gelu(heap, 0, 100, Int32Array.of(0, 250)), RangeError, 'output past the heap');
    assert.throws(() => gelu(heap, 1, 100, Int32Array.of(250, 0, 100)), RangeError, 'input past the heap');
    assert.throws(() => gelu(heap, 1, 10, Int32Array.of(0, 20)), RangeError, 'gradient with two offsets');
    assert.throws(() => gelu(heap, 2 as 0, 10, Int32Array.of(0, 20)), RangeError, 'no op 2');
    assert.throws(() => gelu(heap, 0, 10, Int32Array.of(-1, 20)), RangeError, 'negative offset');
    assert.deepEqual(heap, copy, 'nothing written');
  });

  test('exp: values as Math.exp rounded (to 1 ulp); bad and overlapping ranges throw and write nothing', () => {
    const { exp } = blas;
    assert.ok(exp !== undefined, 'the binding built here has exp');
    const heap = new Float32Array(64);
    for (let i = 0; i < 20; i++) heap[i] = (i - 10) * 1.7;
    exp(heap, 20, 0, 32);
    for (let i = 0; i < 20; i++) {
      const want = Math.fround(Math.exp(heap[i]));
      assert.ok(Math.abs(heap[32 + i] - want) <= Math.abs(want) * 2 ** -23, `exp(${heap[i]}) = ${heap[32 + i]}, expected ${want}`);
    }
    exp(heap, 4, 0, 0);
    assert.equal(heap[0], Math.fround(Math.exp(-17)), 'in place');
    const copy = Float32Array.from(heap);
    assert.throws(() => exp(heap, 20, 50, 0), RangeError, 'input past the end');
    assert.throws(() => exp(heap, 20, 0, 50), RangeError, 'output past the end');
    assert.throws(() => exp(heap, 20, 0, 10), /overlap/, 'overlapping, not the same');
    assert.throws(() => exp(heap, -1, 0, 0), RangeError, 'n < 0');
    assert.throws(() => (exp as unknown as (...a: unknown[]) => void)(heap, 1, 0), TypeError, 'three arguments');
    exp(heap, 0, 64, 64);
    assert.deepEqual(heap, copy, 'nothing written');
  });

  test('ema: values as float32 arithmetic; bad ranges, sizes and scalars throw and write nothing', () => {
    const { ema } = blas;
    assert.ok(ema !== undefined, 'the binding built here has ema');
    const heap = Float32Array.from({ length: 64 }, (_, i) => i / 7);
    const [m, c] = [Math.fround(0.99), Math.fround(1 - 0.99)];
    ema(heap, m, c, Int32Array.of(10, 3), Int32Array.of(0, 10, 40, 20, 23, 50));
    for (let i = 0; i < 10; i++) assert.equal(heap[40 + i], Math.fround(Math.fround(Math.fround(i / 7) * m) + Math.fround(Math.fround((10 + i) / 7) * c)));
    const copy = Float32Array.from(heap);
    assert.throws(() => ema(heap, m, c, Int32Array.of(10), Int32Array.of(0, 10, 60)), RangeError, 'output past the end');
    assert.throws(() => ema(heap, m, c, Int32Array.of(10, 10), Int32Array.of(0, 10, 20, 0, 10, 60)), RangeError, 'the second output past the end: nothing written for the first');
    assert.throws(() => ema(heap, m, c, Int32Array.of(-1), Int32Array.of(0, 10, 20)), RangeError, 'negative size');
    assert.throws(() => ema(heap, m, c, Int32Array.of(1), Int32Array.of(0, 10)), RangeError, 'two offsets for one size');
    assert.throws(() => ema(heap, 0.99, c, Int32Array.of(1), Int32Array.of(0, 10, 20)), RangeError, 'a momentum that is not a float32 value');
    assert.deepEqual(heap, copy, 'nothing written');
  });

  test('adam: values as float32 arithmetic; bad ranges, overlaps, counts and scalars throw and write nothing', () => {
    const { adam } = blas;
    assert.ok(adam !== undefined, 'the binding built here has adam');
    const heap = Float32Array.from({ length: 128 }, (_, i) => (i % 16) / 7 + 0.01);
    const s = Float64Array.from([0.9, 0.1, 0.999, 0.001, 0.01, 1.5, 1e-8, 1, 0.02], Math.fround);
    const f = Math.fround;
    const [n, at] = [11, Int32Array.of(0, 11, 22, 33, 44, 55, 66)];
    const before = Float32Array.from(heap);
    adam(heap, n, at, s);
    for (let i = 0; i < n; i++) {
      const [p, g0, m0, v0] = [before[i], before[11 + i], before[22 + i], before[33 + i]];
      const g = f(g0 + f(s[8] * p));
      const m = f(f(m0 * s[0]) + f(s[1] * g));
      const v = f(f(v0 * s[2]) + f(f(s[3] * g) * g));
      assert.equal(heap[55 + i], m, `m [${i}]`);
      assert.equal(heap[66 + i], v, `v [${i}]`);
      assert.equal(heap[44 + i], f(f(p * s[7]) - f(f(s[4] * m) / f(f(Math.sqrt(f(v * s[5]))) + s[6]))), `param [${i}]`);
    }
    // In place: outputs on their inputs' own ranges.
    const inPlace = Float32Array.from(before);
    adam(inPlace, n, Int32Array.of(0, 11, 22, 33, 0, 22, 33), s);
    assert.deepEqual([inPlace.subarray(0, n), inPlace.subarray(22, 22 + n), inPlace.subarray(33, 33 + n)], [heap.subarray(44, 44 + n), heap.subarray(55, 55 + n), heap.subarray(66, 66 + n)]);
    const copy = Float32Array.from(heap);
    assert.throws(() => adam(heap, n, Int32Array.of(0, 11, 22, 33, 44, 55, 120), s), RangeError, 'the last output past the end');
    assert.throws(() => adam(heap, n, Int32Array.of(0, 11, 22, 33, 44, 50, 66), s), RangeError, 'two outputs overlap in part');
    assert.throws(() => adam(heap, n, Int32Array.of(0, 11, 22, 33, 44, 55), s), RangeError, 'six offsets');
    assert.throws(() => adam(heap, -1, at, s), RangeError, 'negative count');
    assert.throws(() => adam(heap, n, at, Float64Array.from(s.subarray(0, 8))), RangeError, 'eight scalars');
    assert.throws(() => adam(heap, n, at, Float64Array.of(0.9, ...s.subarray(1))), RangeError, 'a scalar that is not a float32 value');
    assert.throws(() => adam(heap, n, at, new Float32Array(9) as unknown as Float64Array), TypeError, 'scalars not a Float64Array');
    assert.deepEqual(heap, copy, 'nothing written');
  });

  test('binary and columnSums: values as plain loops; bad ranges throw and write nothing', () => {
    const binary = blas.binary;
    const columnSums = blas.columnSums;
    assert.ok(binary !== undefined && columnSums !== undefined, 'the binding built here has binary and columnSums');
    const heap = randomValues(createRng(8), 600);
    // a [3, 4] with rows 10 apart at 0, b a row [4] at 50 broadcast down, out at 100
    binary(heap, 3, Int32Array.of(3, 4), 0, Int32Array.of(10, 1), 50, Int32Array.of(0, 1), 100);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) assert.equal(heap[100 + r * 4 + c], Math.fround(heap[r * 10 + c] / heap[50 + c]));
    // x [2, 5, 4] at 200: sums over the 5 rows in blocks of 2, scaled by 0.5, to 300
    columnSums(heap, 200, 2, 5, 4, 2, 0.5, 300);
    for (let o = 0; o < 2; o++) {
      for (let c = 0; c < 4; c++) {
        let total = 0;
        for (let r0 = 0; r0 < 5; r0 += 2) {
          let part = 0;
          for (let r = r0; r < Math.min(r0 + 2, 5); r++) part = Math.fround(part + heap[200 + (o * 5 + r) * 4 + c]);
          total += part;
        }
        assert.equal(heap[300 + o * 4 + c], Math.fround(total * 0.5));
      }
    }
    const copy = Float32Array.from(heap);
    assert.throws(() => binary(heap, 0, Int32Array.of(3, 4), 0, Int32Array.of(10, 1), 50, Int32Array.of(0, 1), 590), RangeError, 'output past the heap');
    assert.throws(() => binary(heap, 0, Int32Array.of(3, 4), 580, Int32Array.of(10, 1), 50, Int32Array.of(0, 1), 100), RangeError, 'a past the heap');
    assert.throws(() => binary(heap, 4 as 0, Int32Array.of(3, 4), 0, Int32Array.of(10, 1), 50, Int32Array.of(0, 1), 100), RangeError, 'no op 4');
    assert.throws(() => binary(heap, 0, Int32Array.of(3, 4), 0, Int32Array.of(-10, 1), 50, Int32Array.of(0, 1), 100), RangeError, 'negative stride');
    assert.throws(() => columnSums(heap, 590, 2, 5, 4, 2, 1, 300), RangeError, 'input past the heap');
    assert.throws(() => columnSums(heap, 200, 2, 5, 4, 0, 1, 300), RangeError, 'block 0');
    const rowSums = blas.rowSums;
    assert.ok(rowSums !== undefined, 'the binding built here has rowSums');
    assert.throws(() => rowSums(heap, 590, 2, 7, false, 0), RangeError, 'input past the heap');
    assert.throws(() => rowSums(heap, 0, 10, 7, false, 595), RangeError, 'output past the heap');
    assert.throws(() => rowSums(heap, 0, 10, 7, true, 5), RangeError, 'output over the input');
    assert.throws(() => rowSums(heap, 0, 10, 0, true, 100), RangeError, 'n = 0');
    assert.deepEqual(heap, copy, 'nothing written');
    // 11 rows of 7 at 0 (the first 8 together, the rest one by one), to 500
    rowSums(heap, 0, 11, 7, true, 500);
    for (let r = 0; r < 11; r++) {
      let sum = 0;
      for (let k = 0; k < 7; k++) sum = Math.fround(sum + heap[r * 7 + k]);
      assert.equal(heap[500 + r], Math.fround(sum / 7), `row ${r}`);
    }
  });

  test('warp: bad images, modes, counts and coefficients throw and write nothing', () => {
    const warp = blas.warp;
    assert.ok(warp !== undefined, 'the binding built here has warp');
    const src = randomValues(createRng(9), 2 * 4 * 4);
    const out = new Float32Array(src.length);
    const k = Float64Array.of(1, 0, 0.5, 0, 1, 0.5);
    assert.throws(() => warp(src, out, 4, 4, 1, Int32Array.of(2), k, 0, 0), RangeError, 'image 2 of 2');
    assert.throws(() => warp(src, out, 4, 4, 1, Int32Array.of(0), k, 4, 0), RangeError, 'mode 4');
    assert.throws(() => warp(src, out, 4, 4, 1, Int32Array.of(0, 1), k, 0, 0), RangeError, 'coefficients for one image');
    assert.throws(() => warp(src, out, 4, 4, 1, Int32Array.of(0), Float64Array.of(1, 0, Infinity, 0, 1, 0), 0, 0), RangeError, 'not finite');
    assert.throws(() => warp(src, out.subarray(1), 4, 4, 1, Int32Array.of(0), k, 0, 0), RangeError, 'src and out of two lengths');
    assert.deepEqual(out, new Float32Array(src.length), 'nothing written');
    warp(src, out, 4, 4, 1, Int32Array.of(1), Float64Array.of(1, 0, 0, 0, 1, 0), 3, 0);
    assert.deepEqual(out.subarray(16), src.subarray(16), 'the identity copies image 1');
    assert.deepEqual(out.subarray(0, 16), new Float32Array(16), 'and leaves image 0');
  });

  test('normalPairs and addNoise: the stream of createRng; bad states, counts and images throw and write nothing', () => {
    const { normalPairs, addNoise } = blas;
    assert.ok(normalPairs !== undefined && addNoise !== undefined, 'the binding built here has both');
    // The pairs are the accepted pairs of uniforms of createRng(5), in order.
    const state = rngState(createRng(5))!;
    const uv = new Float64Array(200);
    const s = new Float64Array(100);
    normalPairs(state, uv, s, false);
    const more = new Float64Array(20);
    const moreFactors = new Float64Array(10);
    normalPairs(state, more, moreFactors, true); // the state advanced in place: these continue the stream, with factors
    const replay = createRng(5);
    for (let p = 0; p < 110; p++) {
      let u: number;
      let v: number;
      do {
        u = 2 * replay.next() - 1;
        v = 2 * replay.next() - 1;
      } while (u * u + v * v >= 1 || u * u + v * v === 0);
      const q = u * u + v * v;
      const got = p < 100 ? [uv[2 * p], uv[2 * p + 1], s[p]] : [more[2 * (p - 100)], more[2 * (p - 100) + 1], moreFactors[p - 100]];
      assert.deepEqual(got, [u, v, p < 100 ? q : Math.sqrt((-2 * Math.log(q)) / q)], `pair ${p}`);
    }
    assert.throws(() => normalPairs(new Int32Array(3), uv, s, false), RangeError, 'a state of 3');
    assert.throws(() => normalPairs(rngState(createRng(1))!, uv.subarray(1), s, false), RangeError, 'uv not twice s');
    const src = randomValues(createRng(9), 2 * 5);
    const out = new Float32Array(src.length);
    const pairs = new Float64Array(6);
    const factors = Float64Array.of(1, 1, 1);
    assert.throws(() => addNoise(src, out, Int32Array.of(2), 5, 0.1, true, pairs, factors), RangeError, 'image 2 of 2');
    assert.throws(() => addNoise(src, out, Int32Array.of(0, 1), 5, 0.1, true, pairs, factors), RangeError, 'pairs for one image');
    assert.throws(() => addNoise(src, out, Int32Array.of(0), 0, 0.1, true, new Float64Array(0), new Float64Array(0)), RangeError, 'size 0');
    assert.throws(() => addNoise(src, out.subarray(1), Int32Array.of(0), 5, 0.1, true, pairs, factors), RangeError, 'src and out of two lengths');
    assert.deepEqual(out, new Float32Array(src.length), 'nothing written');
    addNoise(src, out, Int32Array.of(1), 5, 0.5, false, Float64Array.of(1, -1, 0.5, 0, 2, 7), Float64Array.of(1, 2, 0.25));
    assert.deepEqual(Array.from(out.subarray(5)), [0.5, -0.5, 0.5, 0, 0.25].map((n, j) => Math.fround(src[5 + j] + n)), 'image 1: value j takes pair j / 2');
    assert.deepEqual(out.subarray(0, 5), new Float32Array(5), 'and image 0 is left');
  });

  test('a binding without engineLog: the factors in JavaScript, the same noise', () => {
    const saved = blas.engineLog;
    const images = tf.tensor4d(randomValues(createRng(4), 6 * 28 * 28).map((v) => v + 0.5), [6, 28, 28, 1]);
    try {
      const [withLog] = onPath(true, () => gaussianNoise({ std: 0.1 })(images, createRng(2)));
      delete (blas as { engineLog?: unknown }).engineLog;
      const [without] = onPath(true, () => gaussianNoise({ std: 0.1 })(images, createRng(2)));
      const [js] = onPath(false, () => gaussianNoise({ std: 0.1 })(images, createRng(2)));
      assert.deepEqual(bits(without), bits(js));
      assert.deepEqual(bits(withLog), bits(js));
    } finally {
      blas.engineLog = saved;
      images.dispose();
    }
  });

  test('engineLog is the logarithm of Math.log, bit for bit', (t) => {
    const { engineLog } = blas;
    assert.ok(engineLog !== undefined, 'the binding built here has engineLog');
    const rng = createRng(12);
    const x = Float64Array.from({ length: 1 << 20 }, (_, i) => (i % 3 === 0 ? rng.next() : i % 3 === 1 ? rng.next() * 2 ** (rng.int(2100) - 1075) : -rng.next()));
    // Every quarter value: a mantissa whose top 20 bits lie within 4 of where the algorithm
    // changes course (the thresholds of f, sqrt(2), the ends of a binade), any exponent.
    const words = new Uint32Array(x.buffer);
    const turns = [0x6147a, 0x6b851, 0x6a09e, 0, 0xfffff];
    for (let i = 3; i < x.length; i += 4) {
      words[2 * i] = rng.uint32();
      words[2 * i + 1] = ((1 + rng.int(2046)) << 20) | ((turns[rng.int(turns.length)] + rng.int(9) - 4) & 0xfffff);
    }
    x.set([0, -0, 1, Infinity, -Infinity, NaN, 5e-324, 1 - 2 ** -53]);
    const expected = x.map((v) => Math.log(v));
    if (!engineLog(x)) {
      t.skip('this node does not export V8\'s logarithm: the factors are computed in JavaScript');
      return;
    }
    const differ = x.reduce((count, v, i) => count + (Object.is(v, expected[i]) || (Number.isNaN(v) && Number.isNaN(expected[i])) ? 0 : 1), 0);
    assert.equal(differ, 0, `values whose logarithm differs from Math.log's, of ${x.length}`);
  });

  test('a binding built before convGrid: convolutions run one product per tap and still agree', () => {
    const saved = blas.convGrid;
    const x = tf.randomUniform([4, 10, 10, 16], -1, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 16, 24], -1, 1, 'float32', 2) as tf.Tensor4D;
    const dy = tf.randomUniform([4, 10, 10, 24], -1, 1, 'float32', 3);
    try {
      delete (blas as { convGrid?: unknown }).convGrid;
      assertPathsAgree('conv2d per tap', () => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
        return [tf.conv2d(x, w, 1, 'same'), ...g([x, w], dy)];
      });
    } finally {
      (blas as { convGrid?: unknown }).convGrid = saved;
      tf.dispose([x, w, dy]);
    }
  });

  test('info names the BLAS; setThreads(1) holds', () => {
    const info = blas.info();
    assert.match(info.name, /BLAS/);
    assert.equal(blas.setThreads(1), 1);
  });

  test('a worker thread loads the binding too (context-aware addon)', async () => {
    const { Worker } = await import('node:worker_threads');
    const { defaultBindingPath } = await import('../../src/backend/native/native-blas.js');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const m = { exports: {} };
      process.dlopen(m, workerData);
      const h = new Float32Array([1, 2, 3, 4, 0]);
      m.exports.sgemmBatch(h, false, false, 1, 1, 2, 1, Int32Array.of(0), 2, Int32Array.of(2), 1, 0, Int32Array.of(4), 1);
      parentPort.postMessage(h[4]);`;
    const value = await new Promise((resolve, reject) => {
      const worker = new Worker(code, { eval: true, workerData: process.env.SSLMEM_NATIVE_BINDING ?? defaultBindingPath() });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(value, 1 * 3 + 2 * 4);
  });
});
