// Checks every encoder must pass, shared by the per-encoder test files (not a test file itself).
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import type { Encoder } from '../../src/encoders/encoder';
import { createEncoder } from '../../src/encoders/create-encoder';
import { relativeVariableName } from '../../src/encoders/param-scope';
import { assertClose, assertGradients, randomTensor, weightsOf } from './helpers';

type Make = (options: Record<string, unknown>) => Encoder;

/** Random images for an encoder's input shape. */
export function imagesFor(encoder: Encoder, batch: number, seed = 1): tf.Tensor4D {
  const [h, w, c] = encoder.config.inputShape;
  return randomTensor<tf.Rank.R4>([batch, h, w, c], seed);
}

/** Output shape `[batch, outDim]` for several input shapes, and the input check. */
export function checkShapes(make: Make, base: Record<string, unknown>, shapes: Array<[number, number, number]>): void {
  for (const inputShape of shapes) {
    const e = make({ ...base, inputShape });
    const x = imagesFor(e, 3);
    const y = e.apply(x, true);
    assert.deepEqual(y.shape, [3, e.outDim], `output shape for input ${inputShape}`);
    assert.ok(y.dataSync().every(Number.isFinite));
    const wrong = tf.zeros([1, inputShape[0] + 1, inputShape[1], inputShape[2]]) as tf.Tensor4D;
    assert.throws(() => e.apply(wrong, false), /expected shape \[batch/);
    tf.dispose([x, y, wrong]);
    e.dispose();
  }
}

/** Same seed gives identical weights (and outputs); another seed differs. */
export function checkSeeds(make: Make, base: Record<string, unknown>): void {
  const a = make({ ...base, seed: 5 });
  const b = make({ ...base, seed: 5 });
  const c = make({ ...base, seed: 6 });
  assert.notEqual(a.variables[0].name, b.variables[0].name, 'live encoders get distinct variable names');
  assert.deepEqual(a.variables.map((v) => relativeVariableName(v.name)), b.variables.map((v) => relativeVariableName(v.name)));
  assert.deepEqual(weightsOf(a), weightsOf(b));
  const wa = weightsOf(a);
  const wc = weightsOf(c);
  const randomKernels = [...wa.keys()].filter((k) => k.endsWith('kernel') || k === 'cls' || k === 'pos');
  assert.ok(randomKernels.length > 0);
  for (const k of randomKernels) assert.notDeepEqual(wa.get(k), wc.get(k), `seed changes ${k}`);
  const x = imagesFor(a, 2);
  const ya = a.apply(x, false);
  const yb = b.apply(x, false);
  assert.deepEqual(ya.dataSync(), yb.dataSync());
  tf.dispose([x, ya, yb]);
  [a, b, c].forEach((e) => e.dispose());
}

/** Every trainable variable gets a finite, non-zero gradient from a loss on the output. */
export function checkGradients(e: Encoder, batch = 3): void {
  const x = imagesFor(e, batch, 2);
  assertGradients(e.variables, () => e.apply(x, true));
  x.dispose();
}

/** `apply` and `applyLayers` leave only their outputs behind; `dispose` frees everything. */
export function checkMemory(make: Make, base: Record<string, unknown>): void {
  const start = tf.memory().numTensors;
  const e = make(base);
  const count = e.variables.length + e.state.length;
  assert.equal(tf.memory().numTensors, start + count, 'only the variables exist after building');
  const x = imagesFor(e, 2);
  for (const training of [true, false]) {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      e.apply(x, training);
    });
    assert.equal(tf.memory().numTensors, before, `no leak from apply in tf.tidy (training ${training})`);
    const y = e.apply(x, training);
    assert.equal(tf.memory().numTensors, before + 1, `apply outside tidy leaves only its output (training ${training})`);
    y.dispose();
    const layers = e.applyLayers!(x, training);
    assert.equal(tf.memory().numTensors, before + layers.length, 'applyLayers leaves only its outputs');
    tf.dispose(layers.map((l) => l.output));
  }
  x.dispose();
  const names = [...e.variables, ...e.state].map((v) => v.name);
  e.dispose();
  e.dispose();
  assert.equal(tf.memory().numTensors, start, 'dispose frees every variable');
  const registered = Object.keys(tf.engine().registeredVariables);
  assert.ok(!names.some((n) => registered.includes(n)), 'dispose unregisters the names');
}

/** `applyLayers` names layers uniquely and ends with `apply`'s output. */
export function checkLayers(e: Encoder, expectedNames: string[]): void {
  const x = imagesFor(e, 2);
  const layers = e.applyLayers!(x, false);
  assert.deepEqual(layers.map((l) => l.name), expectedNames);
  const y = e.apply(x, false);
  assertClose(layers[layers.length - 1].output.dataSync(), y.dataSync(), 1e-6, 1e-6, 'last layer is the representation');
  tf.dispose([x, y, ...layers.map((l) => l.output)]);
}

/** `createEncoder(JSON round trip of config)` rebuilds the same kind, config, weights and outputs. */
export function checkRebuild(e: Encoder): void {
  const json = JSON.parse(JSON.stringify(e.config));
  assert.deepEqual(json, e.config, 'config is plain JSON');
  const r = createEncoder(json);
  assert.deepEqual(r.config, e.config);
  assert.equal(r.outDim, e.outDim);
  assert.deepEqual(weightsOf(r), weightsOf(e));
  const x = imagesFor(e, 2);
  const a = e.apply(x, false);
  const b = r.apply(x, false);
  assert.deepEqual(a.dataSync(), b.dataSync());
  tf.dispose([x, a, b]);
  r.dispose();
}

/** Batch norm: training updates the running statistics, eval leaves them and is deterministic. */
export function checkBatchNormState(e: Encoder): void {
  assert.ok(e.state.length > 0, 'has batch-norm state');
  assert.ok(e.state.every((v) => !v.trainable));
  const x = imagesFor(e, 4, 3);
  const initial = e.state.map((v) => v.dataSync().slice());
  const evalOut = e.apply(x, false);
  e.state.forEach((v, i) => assert.deepEqual(v.dataSync(), initial[i], `eval leaves ${v.name}`));
  const trainOut = e.apply(x, true);
  const changed = e.state.filter((v, i) => !v.dataSync().every((a, j) => a === initial[i][j]));
  assert.equal(changed.length, e.state.length, 'training updates every running statistic');
  const evalAfter = e.apply(x, false);
  assert.notDeepEqual(evalAfter.dataSync(), evalOut.dataSync(), 'eval output follows the running statistics');
  assert.notDeepEqual(evalAfter.dataSync(), trainOut.dataSync(), 'training and eval differ');
  const evalAgain = e.apply(x, false);
  assert.deepEqual(evalAgain.dataSync(), evalAfter.dataSync());
  tf.dispose([x, evalOut, trainOut, evalAfter, evalAgain]);
}
