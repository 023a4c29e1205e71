import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  describeBackend,
  initBackend,
  registerWasmTrainingKernels,
  resolveBackendOptions,
  unregisterWasmTrainingKernels,
  wasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from '../../src/backend';
import { batchMatMul } from '../../src/backend/wasm-kernels/mat-mul';
import { InputError } from '../../src/util/errors';

describe('initBackend', () => {
  const saved = { backend: process.env.SSLMEM_BACKEND, threads: process.env.SSLMEM_THREADS };
  const setEnv = (backend?: string, threads?: string) => {
    if (backend == null) delete process.env.SSLMEM_BACKEND;
    else process.env.SSLMEM_BACKEND = backend;
    if (threads == null) delete process.env.SSLMEM_THREADS;
    else process.env.SSLMEM_THREADS = threads;
  };
  after(() => setEnv(saved.backend, saved.threads));

  test('auto picks wasm here (tfjs-node not installed) and says why', async () => {
    setEnv();
    const info = await initBackend();
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.threads, 1);
    assert.match(info.reason, /tfjs-node-gpu not installed/);
    assert.match(info.reason, /tfjs-node not installed/);
    assert.match(describeBackend(info), /^tfjs backend: wasm \(1 thread\) - auto: /);
  });

  test('is idempotent: same request, same info, backend re-activated', async () => {
    setEnv();
    const first = await initBackend();
    await tf.setBackend('cpu');
    const second = await initBackend();
    assert.equal(second, first);
    assert.equal(tf.getBackend(), 'wasm');
  });

  test('SSLMEM_BACKEND=cpu is honoured; options override the environment', async () => {
    setEnv('cpu');
    const cpu = await initBackend();
    assert.equal(cpu.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    const wasm = await initBackend({ backend: 'wasm' });
    assert.equal(wasm.name, 'wasm');
    assert.match(wasm.reason, /our SIMD matrix product/, 'the report says our SIMD code runs');
    assert.equal(tf.getBackend(), 'wasm');
    setEnv();
  });

  test('explicit tensorflow fails with an InputError when tfjs-node is missing', async () => {
    await assert.rejects(initBackend({ backend: 'tensorflow' }), (e: unknown) => e instanceof InputError && /not installed/.test(e.message));
    await initBackend({ backend: 'wasm' });
  });

  test('explicit tensorflow-gpu asks for tfjs-node-gpu alone', async () => {
    await assert.rejects(initBackend({ backend: 'tensorflow-gpu' }), (e: unknown) => {
      const message = (e as Error).message;
      return e instanceof InputError && /initBackend backend "tensorflow-gpu": expected @tensorflow\/tfjs-node-gpu installed and loadable, found @tensorflow\/tfjs-node-gpu not installed$/.test(message);
    });
    await initBackend({ backend: 'wasm' });
  });

  test('wasm and cpu count as checked by CI; describeBackend warns about a backend never checked here', async () => {
    const wasm = await initBackend({ backend: 'wasm' });
    assert.equal(wasm.conformance, 'ci');
    assert.doesNotMatch(describeBackend(wasm), /NOT VERIFIED/);
    assert.equal((await initBackend({ backend: 'cpu' })).conformance, 'ci');
    await initBackend({ backend: 'wasm' });
    const gpu = { name: 'tensorflow', threads: 0, package: '@tensorflow/tfjs-node-gpu', conformance: 'no' as const, reason: 'tensorflow-gpu: @tensorflow/tfjs-node-gpu loaded' };
    assert.match(describeBackend(gpu), / - NOT VERIFIED: @tensorflow\/tfjs-node-gpu has not passed the conformance suite on this machine \(npm run conformance -- --backend tensorflow-gpu\)$/);
    assert.doesNotMatch(describeBackend({ ...gpu, conformance: 'this machine' }), /NOT VERIFIED/);
  });

  test('bad values are InputErrors naming their source', () => {
    assert.throws(() => resolveBackendOptions({}, { SSLMEM_BACKEND: 'gpu' }), /SSLMEM_BACKEND: expected one of auto, tensorflow, tensorflow-gpu, wasm, cpu, found "gpu"/);
    assert.deepEqual(resolveBackendOptions({}, { SSLMEM_BACKEND: 'tensorflow-gpu' }), { backend: 'tensorflow-gpu', threads: 1 });
    assert.throws(() => resolveBackendOptions({ threads: 0 }, {}), /options.threads: expected an integer >= 1/);
    assert.throws(() => resolveBackendOptions({}, { SSLMEM_THREADS: 'two' }), /SSLMEM_THREADS/);
    assert.deepEqual(resolveBackendOptions({}, { SSLMEM_BACKEND: ' CPU ', SSLMEM_THREADS: '2' }), { backend: 'cpu', threads: 2 });
    assert.deepEqual(resolveBackendOptions({ backend: 'wasm', threads: 1 }, { SSLMEM_BACKEND: 'cpu', SSLMEM_THREADS: '2' }), {
      backend: 'wasm',
      threads: 1,
    });
  });

  test('registers every gradient and the wasm training kernels', async () => {
    await initBackend({ backend: 'wasm' });
    for (const name of ['Conv2D', 'MaxPool', 'AvgPool', 'BatchMatMul', 'GatherV2', 'Softmax', 'FusedBatchNorm', 'Erf']) {
      assert.ok(tf.getGradient(name) != null, `gradient of ${name}`);
    }
    assert.ok(wasmTrainingKernelsRegistered());
    for (const config of wasmTrainingKernels) {
      assert.equal(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc, config.kernelFunc, config.kernelName);
    }
    assert.equal(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc, batchMatMul);
  });

  test('unregister restores the shipped kernels; register puts ours back', async () => {
    await initBackend({ backend: 'wasm' });
    unregisterWasmTrainingKernels();
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
    assert.notEqual(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc, batchMatMul);
    const shipped = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true).dataSync());
    registerWasmTrainingKernels();
    assert.equal(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc, batchMatMul);
    const ours = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true).dataSync());
    assert.deepEqual(Array.from(ours), Array.from(shipped));
  });

  test('a training step leaks no tensors and no backend memory', async () => {
    await initBackend({ backend: 'wasm' });
    const w = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 0.1, 'float32', 1));
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.maxPool(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'), 2, 2, 'valid'))));
        w.assign(tf.sub(w, tf.mul(grads[w.name], 0.01)));
      });
    step();
    const tensors = tf.memory().numTensors;
    const data = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.backend().numDataIds(), data);
    tf.dispose([w, x]);
  });
});
