import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../src/backend';
import { restoreSingleThreadedWasm, wasmThreadsSupported } from '../../src/backend/wasm-threads';
import { createRng } from '../../src/util/rng';
import { compareWithCpu } from './compare';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdFunctions, simdUnavailableReason } from '../../src/backend/simd/simd-module';
import { useNativeProducts } from '../../src/backend/native/native-blas';

describe('multi-threaded wasm', () => {
  // With the native products in use, the threads go to the BLAS and wasm stays on one
  // (test/backend/native-products.test.ts); the threaded module is what runs without them.
  const native = useNativeProducts(false);
  after(() => {
    useNativeProducts(native);
    restoreSingleThreadedWasm();
  });
  const rng = createRng(8);

  test('Node here supports wasm threads', () => {
    assert.ok(wasmThreadsSupported());
  });

  test('threads: 2 runs the threaded module with a pool of 2 and the training kernels', async () => {
    const info = await initBackend({ backend: 'wasm', threads: 2 });
    assert.equal(info.name, 'wasm');
    assert.equal(info.threads, 2);
    assert.equal(getThreadsCount(), 2);
    assert.doesNotMatch(info.reason, /threaded wasm unavailable/);
    await compareWithCpu(rng, 'threaded conv', [[3, 9, 7, 3], [3, 3, 3, 8]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
    await compareWithCpu(rng, 'threaded matmul', [[33, 70], [40, 70]], (a, b) => tf.matMul(a, b, false, true));
    await compareWithCpu(rng, 'threaded pool', [[2, 8, 6, 5]], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'));
  });

  test('our SIMD functions run on the shared memory of the threaded module', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    assert.ok(simdFunctions(tf.backend() as unknown as BackendWasm) !== null, String(simdUnavailableReason()));
    await compareWithCpu(rng, 'threaded SIMD transpose', [[70, 101]], (x) => tf.transpose(x), { tol: 0 });
    await compareWithCpu(rng, 'threaded SIMD max-pool gradient', [[2, 8, 6, 8]], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'));
    await compareWithCpu(rng, 'threaded SIMD column sums', [[600, 8]], (x) => tf.sum(x, 0));
    await compareWithCpu(rng, 'threaded SIMD product', [[61, 300], [300, 130]], (a, b) => tf.matMul(a, b));
    await compareWithCpu(rng, 'threaded SIMD filter gradient', [[8, 12, 12, 16], [3, 3, 16, 24]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
  });

  test('asking the same again keeps the module; threads: 1 goes back to the plain one', async () => {
    const first = await initBackend({ backend: 'wasm', threads: 2 });
    assert.equal(await initBackend({ backend: 'wasm', threads: 2 }), first);
    const one = await initBackend({ backend: 'wasm', threads: 1 });
    assert.equal(one.threads, 1);
    assert.equal(getThreadsCount(), 1);
    await compareWithCpu(rng, 'single-threaded again', [[5, 7], [7, 3]], (a, b) => tf.matMul(a, b));
  });
});
