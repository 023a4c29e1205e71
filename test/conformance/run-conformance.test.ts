import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../src/backend';
import { caseError, conformanceCases, formatConformanceTable, kernelCases, runConformance, type ConformanceCase } from '../../src/conformance';
import { registerBadCpu } from './fake-backends';

before(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('caseError', () => {
  test('largest difference over the largest reference value, per output; NaN and shape mismatches give NaN', () => {
    assert.equal(caseError([[1, 2, 5]], [[1, 2, 4]]), 0.25);
    assert.equal(caseError([[1e-8, 0]], [[0, 0]]), 1e-8, 'an all-zero reference compares absolutely');
    assert.equal(caseError([[1], [2.5]], [[1], [2]]), 0.25, 'the worst output counts');
    assert.ok(Number.isNaN(caseError([[Number.NaN]], [[1]])));
    assert.ok(Number.isNaN(caseError([[1, 2]], [[1]])));
    assert.ok(Number.isNaN(caseError([[1]], [[1], [2]])));
  });
});

describe('runConformance', () => {
  test('every case has a kernel, a shape and a tolerance; kernel+shape name each case once', () => {
    const cases = conformanceCases();
    const keys = cases.map((c) => `${c.kernel} @ ${c.shape}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const c of cases) assert.ok(c.kernel.length > 0 && c.shape.length > 0 && c.tolerance >= 0, c.kernel);
    for (const name of ['simclr', 'byol', 'simsiam', 'dino', 'vicreg', 'mae', 'supervised']) assert.ok(keys.some((k) => k.startsWith(`training run: ${name} `)), name);
    for (const kernel of ['MatMul', 'BatchMatMul', 'Conv2D', 'MaxPool', 'batch norm', 'layer norm', 'group norm', 'GELU', 'Softmax', 'log-sum-exp', 'GatherV2', 'OneHot', 'Adam', 'per-example grad norms (ghost)', 'per-example grad norms (microbatch)', 'checkpoint']) {
      assert.ok(keys.some((k) => k.includes(kernel)), kernel);
    }
  });

  test('cpu against itself (a small set): every row passes with error 0', async () => {
    const cases = kernelCases().filter((c) => /MatMul transposeA\+B|Softmax|GatherV2|Adam/.test(c.kernel));
    const report = await runConformance({ backend: 'cpu', cases });
    assert.equal(report.backend, 'cpu');
    assert.equal(report.rows.length, cases.length + 1);
    assert.ok(report.ok, formatConformanceTable(report));
    for (const row of report.rows) assert.equal(row.maxError, 0, row.kernel);
  });

  test('wasm with our kernels passes every kernel case against cpu, and the numTensors row', async () => {
    const report = await runConformance({ backend: 'wasm', cases: kernelCases() });
    assert.equal(report.backend, 'wasm');
    assert.equal(report.info?.name, 'wasm');
    assert.ok(report.ok, formatConformanceTable(report));
    assert.equal(tf.getBackend(), 'wasm', 'the backend under test stays active');
    assert.deepEqual(report.rows.at(-1), { kernel: 'numTensors flat', shape: 'whole suite on wasm', maxError: 0, tolerance: 0, ok: true, note: 'tensors left after the suite' });
  });

  test("wasm's shipped kernels fail where ours replace them: no conv filter gradient, a wrong max-pool gradient, no UnsortedSegmentSum", async () => {
    await initBackend({ backend: 'wasm' });
    unregisterWasmTrainingKernels();
    try {
      const cases = kernelCases().filter((c) => /^(Conv2D \+ grads \(stride 2|MaxPool|GatherV2|Softmax)/.test(c.kernel));
      const report = await runConformance({ backend: 'wasm', asIs: true, cases });
      const failures = Object.fromEntries(report.failures.map((r) => [r.kernel, r]));
      // A gradient that throws half-way leaves its intermediate tensors behind: the last row says so too.
      assert.deepEqual(Object.keys(failures).sort(), ['Conv2D + grads (stride 2, same)', 'GatherV2 + grad (UnsortedSegmentSum)', 'MaxPool 2x2 + grad (MaxPoolGrad)', 'numTensors flat']);
      assert.match(failures['Conv2D + grads (stride 2, same)'].problem ?? '', /Conv2DBackpropFilter' not registered/);
      assert.ok((failures['MaxPool 2x2 + grad (MaxPoolGrad)'].maxError ?? 0) > 0.1);
    } finally {
      registerWasmTrainingKernels();
    }
  });

  describe('a backend with one wrong kernel', () => {
    let remove: () => void = () => {};
    before(() => {
      remove = registerBadCpu('conformance-bad-matmul', 'BatchMatMul', 0.01);
    });
    after(() => remove());

    test('fails the suite, naming the kernel and shape; other kernels pass', async () => {
      const cases = kernelCases().filter((c) => /MatMul|Softmax|MaxPool/.test(c.kernel));
      const report = await runConformance({ backend: 'conformance-bad-matmul', cases });
      assert.equal(report.ok, false);
      const failed = report.failures.map((r) => r.kernel);
      assert.ok(failed.length > 0 && failed.every((k) => /MatMul|dense/.test(k)), `failures: ${failed.join(', ')}`);
      assert.ok(report.rows.some((r) => r.kernel.startsWith('Softmax') && r.ok), 'Softmax does not use BatchMatMul and passes');
      const row = report.failures.find((r) => r.kernel === 'MatMul (dense forward)');
      assert.ok(row !== undefined && row.maxError !== null && row.maxError > row.tolerance);
      const table = formatConformanceTable(report);
      assert.match(table, /MatMul \(dense forward\)\s+\[32,784\] x \[784,512\]\s+\S+\s+1\.0e-4\s+FAIL/);
      assert.match(table.split('\n').at(-1)!, /FAILED: MatMul \(dense forward\) at \[32,784\] x \[784,512\] \(max error /);
    });
  });

  test('a case that throws, leaks a tensor or returns NaN fails with the problem said', async () => {
    let leaked: tf.Tensor | undefined;
    const cases: ConformanceCase[] = [
      { kernel: 'throws', shape: '[1]', tolerance: 0, run: (t) => (t.getBackend() === 'cpu' ? [[1]] : (() => { throw new Error('no kernel here'); })()) },
      { kernel: 'leaks', shape: '[1]', tolerance: 0, run: (t) => { leaked = t.scalar(1); return [[1]]; }, reference: () => [[1]] },
      { kernel: 'nan', shape: '[1]', tolerance: 1, run: (t) => [[t.getBackend() === 'cpu' ? 1 : Number.NaN]] },
    ];
    const report = await runConformance({ backend: 'wasm', cases });
    const [throws, leaks, nan, total] = report.rows;
    assert.match(throws.problem ?? '', /threw: no kernel here/);
    assert.match(leaks.problem ?? '', /1 tensors left behind/);
    assert.match(nan.problem ?? '', /NaN/);
    assert.equal(nan.maxError, null);
    assert.equal(total.maxError, 1, 'the leaked scalar shows in numTensors');
    assert.equal(report.failures.length, 4);
    leaked?.dispose();
  });

  test('unknown backends are InputErrors', async () => {
    await assert.rejects(runConformance({ backend: 'no-such-backend', cases: [] }), /options.backend: expected one of auto, tensorflow, tensorflow-gpu, wasm, cpu or a registered tfjs backend/);
  });
});
