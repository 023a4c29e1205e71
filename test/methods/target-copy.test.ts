import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { Encoder } from '../../src/encoders/encoder';
import { mlpEncoder } from '../../src/encoders/mlp-encoder';
import { relativeVariableName } from '../../src/encoders/param-scope';
import { projectionHead, type ProjectionHead } from '../../src/heads/projection-head';
import { byol } from '../../src/methods/byol';
import { copyWeights, targetCopy, targetEncoder } from '../../src/methods/target-copy';
import { computeGradients } from '../../src/train/compute-gradients';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

function snapshot(variables: readonly tf.Variable[]): Float32Array[] {
  return variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

/** Assigns seeded normal values to every variable (to make online and target differ). */
function scramble(variables: readonly tf.Variable[], seed: number): void {
  const rng = createRng(seed);
  for (const v of variables) {
    tf.tidy(() => v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal()), v.shape)));
  }
}

function randomImages(n: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * 16 }, () => rng.next()), [n, 4, 4, 1]);
}

function smallEncoder(name: string, seed = 1): Encoder {
  return mlpEncoder({ inputShape: [4, 4, 1], hidden: [10], outDim: 6, batchNorm: true, seed, name });
}

/** What the BYOL state holds besides the `ObjectiveState` fields. */
interface ByolParts {
  readonly online: { readonly projector: ProjectionHead; readonly predictor: ProjectionHead };
  readonly target: { readonly encoder: Encoder; readonly projector: ProjectionHead };
}

describe('copyWeights, targetCopy, targetEncoder', () => {
  test('a target copy has equal values (variables and state) in distinct variables with distinct names', () => {
    const head = projectionHead({ inDim: 6, hidden: [5], outDim: 4, batchNorm: true, seed: 3, name: 'tc_head' });
    scramble(head.state, 4); // running statistics that differ from a fresh head's
    const copy = targetCopy(head, () => projectionHead({ ...head.config, seed: 99, name: 'tc_head_target' }));
    try {
      assert.equal(copy.variables.length, head.variables.length);
      assert.equal(copy.state.length, head.state.length);
      assert.deepEqual(snapshot(copy.variables), snapshot(head.variables));
      assert.deepEqual(snapshot(copy.state), snapshot(head.state));
      const names = new Set([...head.variables, ...head.state].map((v) => v.name));
      for (const [i, v] of [...copy.variables, ...copy.state].entries()) {
        assert.ok(!names.has(v.name), v.name);
        assert.ok(v.name.startsWith('tc_head_target/'));
        assert.equal(relativeVariableName(v.name), relativeVariableName([...head.variables, ...head.state][i].name));
        assert.notEqual(v, [...head.variables, ...head.state][i]);
      }
      // changing the copy leaves the original as it was
      const original = snapshot(head.variables);
      scramble(copy.variables, 5);
      assert.deepEqual(snapshot(head.variables), original);
      assert.notDeepEqual(snapshot(copy.variables), original);
    } finally {
      copy.dispose();
      head.dispose();
    }
  });

  test('targetEncoder rebuilds the encoder under a new root with its current weights; it computes the same function', () => {
    const encoder = smallEncoder('tc_encoder');
    scramble(encoder.variables, 6);
    const target = targetEncoder(encoder, 'tc_target_encoder');
    try {
      assert.equal(target.config.name, 'tc_target_encoder');
      assert.deepEqual({ ...target.config, name: 'x' }, { ...encoder.config, name: 'x' });
      assert.deepEqual(snapshot(target.variables), snapshot(encoder.variables));
      assert.deepEqual(snapshot(target.state), snapshot(encoder.state));
      assert.ok(target.variables.every((v, i) => v !== encoder.variables[i] && v.name !== encoder.variables[i].name));
      tf.tidy(() => {
        const x = randomImages(3, 7);
        assert.deepEqual(Array.from(target.apply(x, false).dataSync()), Array.from(encoder.apply(x, false).dataSync()));
      });
      const original = snapshot(encoder.variables);
      scramble(target.variables, 8);
      assert.deepEqual(snapshot(encoder.variables), original);
    } finally {
      target.dispose();
      encoder.dispose();
    }
  });

  test('copyWeights pairs by position; mismatched lengths or shapes are InputErrors; no tensors leak', () => {
    const a = [tf.variable(tf.tensor([1, 2, 3]), true, 'tc_copy/a'), tf.variable(tf.tensor([[4, 5]]), true, 'tc_copy/b')];
    const b = [tf.variable(tf.zeros([3]), true, 'tc_copy/c'), tf.variable(tf.zeros([1, 2]), true, 'tc_copy/d')];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) copyWeights(a, b);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(snapshot(b), snapshot(a));
    assert.throws(() => copyWeights(a, [b[0]]), (e: unknown) => e instanceof InputError && /copyWeights variables: expected 2 targets, found 1/.test(e.message));
    assert.throws(() => copyWeights([a[1], a[0]], b), (e: unknown) => e instanceof InputError && /copyWeights tc_copy\/c: expected shape \[1,2\] of tc_copy\/b, found \[3\]/.test(e.message));
    const c = tf.variable(tf.zeros([3]), true, 'tc_copy/e');
    assert.throws(() => copyWeights([a[0], a[0]], [c, b[1]]), (e: unknown) => e instanceof InputError && /copyWeights tc_copy\/d/.test(e.message));
    assert.deepEqual(Array.from(c.dataSync()), [0, 0, 0], 'nothing is copied when a later pair mismatches');
    c.dispose();
    [...a, ...b].forEach((v) => v.dispose());
  });
});

describe('BYOL target network', () => {
  const config = { projector: { hidden: [8], outDim: 4 }, predictor: { hidden: [6] }, momentum: 0.9, finalMomentum: 0.9 };

  test('after init the target equals the online encoder and projector; after afterStep it is m old + (1 - m) online', () => {
    const encoder = smallEncoder('byol_tc_encoder');
    const objective = byol(config);
    const state = objective.init(encoder, createRng(2));
    const s = state as unknown as ByolParts;
    try {
      assert.deepEqual(snapshot(s.target.encoder.variables), snapshot(encoder.variables));
      assert.deepEqual(snapshot(s.target.projector.variables), snapshot(s.online.projector.variables));
      // the online weights move (as after an optimizer step), then the EMA update
      scramble(encoder.variables, 10);
      scramble(s.online.projector.variables, 11);
      const oldTarget = snapshot([...s.target.encoder.variables, ...s.target.projector.variables]);
      const online = snapshot([...encoder.variables, ...s.online.projector.variables]);
      const predictor = snapshot(s.online.predictor.variables);
      const before = tf.memory().numTensors;
      objective.afterStep!(encoder, state, { step: 0, totalSteps: 10 });
      assert.equal(tf.memory().numTensors, before);
      const m = 0.9;
      snapshot([...s.target.encoder.variables, ...s.target.projector.variables]).forEach((values, i) => {
        values.forEach((x, j) => {
          const expected = m * oldTarget[i][j] + (1 - m) * online[i][j];
          assert.ok(Math.abs(x - expected) < 1e-6, `variable ${i} [${j}] ${x} vs ${expected}`);
        });
      });
      assert.deepEqual(snapshot([...encoder.variables, ...s.online.projector.variables]), online, 'the online weights are untouched');
      assert.deepEqual(snapshot(s.online.predictor.variables), predictor);
    } finally {
      state.dispose();
      encoder.dispose();
    }
  });

  test('the momentum follows the cosine schedule: base at step 0, final at the last step', () => {
    const encoder = smallEncoder('byol_tc_encoder');
    const objective = byol({ ...config, momentum: 0.5, finalMomentum: 1 });
    const state = objective.init(encoder, createRng(2));
    const s = state as unknown as ByolParts;
    try {
      scramble(encoder.variables, 12);
      const step = (k: number): number => {
        const old = snapshot(s.target.encoder.variables)[0];
        objective.afterStep!(encoder, state, { step: k, totalSteps: 4 });
        const now = snapshot(s.target.encoder.variables)[0];
        const online = snapshot(encoder.variables)[0];
        // m = (now - online) / (old - online), read off the entry with the largest gap
        let j = 0;
        for (let i = 0; i < old.length; i++) if (Math.abs(old[i] - online[i]) > Math.abs(old[j] - online[j])) j = i;
        return (now[j] - online[j]) / (old[j] - online[j]);
      };
      assert.ok(Math.abs(step(0) - 0.5) < 1e-4);
      assert.ok(Math.abs(step(2) - 0.75) < 1e-3);
      assert.ok(Math.abs(step(4) - 1) < 1e-6);
    } finally {
      state.dispose();
      encoder.dispose();
    }
  });

  test('the target variables are not among the trainable ones and get no gradient', () => {
    const encoder = smallEncoder('byol_tc_encoder');
    const objective = byol(config);
    const state = objective.init(encoder, createRng(3));
    const s = state as unknown as ByolParts;
    const views = [randomImages(4, 20), randomImages(4, 21)];
    try {
      const targetVariables = [...s.target.encoder.variables, ...s.target.projector.variables];
      const trainable = new Set([...encoder.variables, ...state.variables]);
      for (const v of targetVariables) {
        assert.ok(!trainable.has(v), `${v.name} is trainable`);
        assert.ok(state.state.includes(v), `${v.name} is listed as state`);
      }
      const { loss, grads } = computeGradients(encoder, objective, state, { views }, createRng(0));
      for (const v of targetVariables) assert.equal(grads[v.name], undefined, v.name);
      for (const v of [...encoder.variables, ...state.variables]) assert.ok(grads[v.name] !== undefined, v.name);
      tf.dispose([loss, grads]);
    } finally {
      tf.dispose(views);
      state.dispose();
      encoder.dispose();
    }
  });

  test('the loss is symmetric in view order and in [-1, 1]; a loss call leaves only its result', () => {
    const encoder = smallEncoder('byol_tc_encoder');
    const objective = byol(config);
    const state = objective.init(encoder, createRng(4));
    const s = state as unknown as ByolParts;
    scramble(s.target.encoder.variables, 30); // a target that differs from the online network
    const v1 = randomImages(5, 31);
    const v2 = randomImages(5, 32);
    try {
      const counted = tf.memory().numTensors;
      const a = objective.loss(encoder, state, { views: [v1, v2] }, createRng(0));
      const b = objective.loss(encoder, state, { views: [v2, v1] }, createRng(0));
      assert.equal(tf.memory().numTensors, counted + 2);
      const [x, y] = [a.dataSync()[0], b.dataSync()[0]];
      assert.ok(Math.abs(x - y) < 1e-6, `${x} vs ${y}`);
      assert.ok(x >= -1 && x <= 1);
      tf.dispose([a, b]);
      assert.throws(() => objective.loss(encoder, state, { views: [v1] }, createRng(0)), /byol loss views: expected 2 views, found 1/);
    } finally {
      tf.dispose([v1, v2]);
      state.dispose();
      encoder.dispose();
    }
  });
});
