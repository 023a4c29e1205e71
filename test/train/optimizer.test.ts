import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { adam, adamw } from '../../src/train/adam';
import { createOptimizer } from '../../src/train/create-optimizer';
import { sgd } from '../../src/train/sgd';
import type { Optimizer } from '../../src/train/optimizer';
import { InputError } from '../../src/util/errors';

before(async () => {
  await tf.setBackend('cpu');
});

const p0 = [1, -2, 0.5];
const grads = [
  [0.5, -1, 0],
  [-0.25, 2, 3],
];

/** Runs two steps of `optimizer` from p0 with the fixed gradients; returns the values after each step. */
function run(optimizer: Optimizer, lr: number, steps = 2): number[][] {
  const v = tf.variable(tf.tensor1d(p0), true, 'opt_test/p');
  const out: number[][] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const g = { [v.name]: tf.tensor1d(grads[s % 2]) };
      optimizer.apply(g, [v], lr);
      g[v.name].dispose();
      out.push([...v.dataSync()]);
    }
  } finally {
    v.dispose();
    optimizer.dispose();
  }
  return out;
}

function close(actual: number[][], expected: number[][], tol = 2e-6): void {
  actual.forEach((row, s) =>
    row.forEach((x, i) => assert.ok(Math.abs(x - expected[s][i]) <= tol * Math.max(1, Math.abs(expected[s][i])), `step ${s + 1} [${i}]: ${x} vs ${expected[s][i]}`)),
  );
}

/** Adam by hand in float64 (PyTorch's algorithm); `decay`: 'l2' | 'decoupled'. */
function adamByHand(lr: number, wd: number, decay: 'l2' | 'decoupled', b1 = 0.9, b2 = 0.999, eps = 1e-8): number[][] {
  const p = [...p0];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= 2; t++) {
    for (let i = 0; i < 3; i++) {
      let g = grads[t - 1][i];
      if (decay === 'l2') g += wd * p[i];
      else p[i] -= lr * wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      p[i] -= (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
    out.push([...p]);
  }
  return out;
}

describe('optimizers', () => {
  test('Adam, step 1 moves each weight by lr against the gradient sign (hand value)', () => {
    const [step1] = run(adam(), 0.1, 1);
    close([step1], [[0.9, -1.9, 0.5]]);
  });

  test('Adam matches the hand computation and tfjs own AdamOptimizer for 2 steps', () => {
    const ours = run(adam(), 0.01);
    close(ours, adamByHand(0.01, 0, 'l2'));
    const v = tf.variable(tf.tensor1d(p0));
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    const theirs: number[][] = [];
    for (const g of grads) {
      reference.applyGradients({ [v.name]: tf.tensor1d(g) } as never);
      theirs.push([...v.dataSync()]);
    }
    reference.dispose();
    v.dispose();
    close(ours, theirs);
  });

  test('Adam with L2 weight decay and AdamW with decoupled decay (2 steps, hand computed)', () => {
    close(run(adam({ weightDecay: 0.1 }), 0.01), adamByHand(0.01, 0.1, 'l2'));
    close(run(adamw({ weightDecay: 0.1 }), 0.01), adamByHand(0.01, 0.1, 'decoupled'));
    // AdamW's decay is not the L2 variant: the two differ
    const l2 = run(adam({ weightDecay: 0.1 }), 0.01)[1];
    const decoupled = run(adamw({ weightDecay: 0.1 }), 0.01)[1];
    assert.ok(Math.abs(l2[2] - decoupled[2]) > 1e-4);
  });

  test('SGD with momentum and weight decay (2 steps, hand values)', () => {
    // step 1: g = grad + 0.1 p; b = g; p -= 0.1 b
    // p0 = [1, -2, 0.5]: g1 = [0.6, -1.2, 0.05], p1 = [0.94, -1.88, 0.495]
    // step 2: g2 = [-0.25 + 0.094, 2 - 0.188, 3 + 0.0495] = [-0.156, 1.812, 3.0495]
    //         b2 = 0.9 b1 + g2 = [0.384, 0.732, 3.0945]; p2 = p1 - 0.1 b2 = [0.9016, -1.9532, 0.18555]
    close(run(sgd({ momentum: 0.9, weightDecay: 0.1 }), 0.1), [
      [0.94, -1.88, 0.495],
      [0.9016, -1.9532, 0.18555],
    ]);
    // plain SGD: p -= lr g
    close(run(sgd({ momentum: 0 }), 0.5), [
      [0.75, -1.5, 0.5],
      [0.875, -2.5, -1],
    ]);
    // Nesterov: update = g + momentum b; step 1 with g1 = [0.5, -1, 0]: update = 1.9 g1
    close([run(sgd({ momentum: 0.9, nesterov: true }), 0.1, 1)[0]], [[0.905, -1.81, 0.5]]);
  });

  test('SGD momentum matches tfjs own MomentumOptimizer', () => {
    const ours = run(sgd({ momentum: 0.9 }), 0.05);
    const v = tf.variable(tf.tensor1d(p0));
    const reference = tf.train.momentum(0.05, 0.9);
    const theirs: number[][] = [];
    for (const g of grads) {
      reference.applyGradients({ [v.name]: tf.tensor1d(g) } as never);
      theirs.push([...v.dataSync()]);
    }
    reference.dispose();
    v.dispose();
    close(ours, theirs);
  });

  test('state/load continue exactly; variables without gradient are untouched; state survives tf.tidy', () => {
    const before = tf.memory().numTensors;
    const variable = (values: number[], name: string): tf.Variable => tf.tidy(() => tf.variable(tf.tensor1d(values), true, name));
    const a = variable(p0, 'opt_state/a');
    const b = variable([3], 'opt_state/b');
    const g1 = tf.tensor1d(grads[0]);
    const g2 = tf.tensor1d(grads[1]);
    const first = adamw({ weightDecay: 0.05 });
    tf.tidy(() => first.apply({ [a.name]: g1 }, [a, b], 0.01));
    assert.deepEqual([...b.dataSync()], [3]);
    assert.equal(first.step, 1);
    assert.deepEqual(Object.keys(first.state().slots).sort(), ['m', 'v']);
    assert.deepEqual(Object.keys(first.state().slots.m), [a.name]);
    assert.ok(!first.state().slots.m[a.name].isDisposed);

    const second = createOptimizer({ name: 'adamw', weightDecay: 0.05 });
    tf.tidy(() => second.load(first.state()));
    const saved = tf.clone(a);
    first.apply({ [a.name]: g2 }, [a, b], 0.01);
    const viaFirst = [...a.dataSync()];
    a.assign(saved);
    second.apply({ [a.name]: g2 }, [a, b], 0.01);
    assert.deepEqual([...a.dataSync()], viaFirst);
    assert.equal(second.step, 2);
    for (const t of [saved, g1, g2, a, b]) t.dispose();
    first.dispose();
    second.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('no tensors leak per step', () => {
    const v = tf.variable(tf.tensor1d(p0), true, 'opt_leak/p');
    const opt = sgd({ momentum: 0.9, weightDecay: 0.1 });
    const g = { [v.name]: tf.tensor1d(grads[0]) };
    opt.apply(g, [v], 0.1);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.apply(g, [v], 0.1);
    assert.equal(tf.memory().numTensors, after1);
    g[v.name].dispose();
    opt.dispose();
    v.dispose();
  });

  test('bad names and unknown gradients give InputErrors', () => {
    assert.throws(() => createOptimizer({ name: 'rmsprop' as 'adam' }), /optimizer\.name: expected one of adam, adamw, sgd, found "rmsprop"/);
    assert.throws(() => createOptimizer({ name: 'sgd', lr: 0.1 } as never), /optimizer\.lr: expected one of the fields name, beta1, beta2, epsilon, momentum, nesterov, weightDecay, found an unknown field/);
    assert.throws(() => adam({ beta2: 1 }), /optimizer\.beta2: expected a finite number in \[0, 1\), found 1/);
    assert.deepEqual(sgd({ momentum: undefined }).config, { name: 'sgd', beta1: 0, beta2: 0, epsilon: 0, momentum: 0.9, nesterov: false, weightDecay: 0 });
    const v = tf.variable(tf.tensor1d([1]), true, 'opt_bad/p');
    const opt = adam();
    const g = tf.tensor1d([1]);
    assert.throws(() => opt.apply({ other: g }, [v], 0.1), InputError);
    assert.throws(() => opt.load({ step: 1, slots: { momentum: {} } }), /slot "momentum"/);
    g.dispose();
    v.dispose();
    opt.dispose();
  });
});
