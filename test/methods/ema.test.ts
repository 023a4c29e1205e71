import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { cosineMomentum, emaUpdate } from '../../src/methods/ema';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

let created = 0;

/** A trainable variable with seeded normal values and a unique name. */
function randomVariable(shape: number[], seed: number): tf.Variable {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => tf.variable(tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape), true, `ema_test/v${created++}`));
}

function values(v: tf.Variable): number[] {
  return Array.from(v.dataSync());
}

describe('emaUpdate', () => {
  test('moves each target variable to m t + (1 - m) o, by position; the online variables are untouched', () => {
    for (const m of [0, 0.5, 0.9, 0.996, 1]) {
      const target = [randomVariable([3, 2], 1), randomVariable([4], 2)];
      const online = [randomVariable([3, 2], 3), randomVariable([4], 4)];
      const t0 = target.map(values);
      const o0 = online.map(values);
      emaUpdate(target, online, m);
      target.forEach((t, i) => {
        values(t).forEach((x, j) => {
          const expected = m * t0[i][j] + (1 - m) * o0[i][j];
          assert.ok(Math.abs(x - expected) < 1e-6, `m ${m} [${i}][${j}] ${x} vs ${expected}`);
        });
      });
      assert.deepEqual(online.map(values), o0);
      [...target, ...online].forEach((v) => v.dispose());
    }
  });

  test('repeated updates converge geometrically: after k steps t = o + m^k (t0 - o)', () => {
    const target = [randomVariable([5], 5)];
    const online = [randomVariable([5], 6)];
    const t0 = values(target[0]);
    const o = values(online[0]);
    const m = 0.8;
    const before = tf.memory().numTensors;
    for (let k = 0; k < 10; k++) emaUpdate(target, online, m);
    assert.equal(tf.memory().numTensors, before, 'emaUpdate leaks no tensors');
    values(target[0]).forEach((x, j) => assert.ok(Math.abs(x - (o[j] + m ** 10 * (t0[j] - o[j]))) < 1e-5));
    [...target, ...online].forEach((v) => v.dispose());
  });

  test('mismatched lists or shapes and momentum outside [0, 1] are InputErrors', () => {
    const a = randomVariable([2], 7);
    const b = randomVariable([2], 8);
    const c = randomVariable([3], 9);
    assert.throws(() => emaUpdate([a], [b, c], 0.5), (e: unknown) => e instanceof InputError && /emaUpdate variables: expected 2 target variables, found 1/.test(e.message));
    const a0 = values(a);
    assert.throws(() => emaUpdate([a, c], [b, b], 0.5), (e: unknown) => e instanceof InputError && e.message.includes(`emaUpdate ${c.name}`) && /shape \[2\]/.test(e.message));
    assert.deepEqual(values(a), a0, 'nothing is updated when a later pair mismatches');
    for (const m of [-0.01, 1.01, Number.NaN, Infinity]) {
      assert.throws(() => emaUpdate([a], [b], m), (e: unknown) => e instanceof InputError && /emaUpdate momentum: expected a number in \[0, 1\]/.test(e.message), `m ${m}`);
    }
    [a, b, c].forEach((v) => v.dispose());
  });
});

describe('cosineMomentum', () => {
  test('base at step 0, (base + final) / 2 halfway, final at the end', () => {
    for (const [base, final] of [
      [0.99, 1],
      [0.9, 0.999],
      [0.5, 0.5],
    ]) {
      for (const total of [10, 1000]) {
        assert.ok(Math.abs(cosineMomentum(0, total, base, final) - base) < 1e-12);
        assert.ok(Math.abs(cosineMomentum(total / 2, total, base, final) - (base + final) / 2) < 1e-12);
        assert.ok(Math.abs(cosineMomentum(total, total, base, final) - final) < 1e-12);
      }
    }
    assert.equal(cosineMomentum(0, 100, 0.99), 0.99, 'final defaults to 1');
    assert.equal(cosineMomentum(100, 100, 0.99), 1);
  });

  test('follows final - (final - base) (cos(pi t) + 1) / 2, monotone between base and final, clamped outside [0, total]', () => {
    const [base, final, total] = [0.9, 1, 20];
    let last = -Infinity;
    for (let step = 0; step <= total; step++) {
      const m = cosineMomentum(step, total, base, final);
      const expected = final - ((final - base) * (Math.cos((Math.PI * step) / total) + 1)) / 2;
      assert.ok(Math.abs(m - expected) < 1e-12);
      assert.ok(m >= last && m >= base && m <= final);
      last = m;
    }
    assert.equal(cosineMomentum(-5, total, base, final), cosineMomentum(0, total, base, final));
    assert.equal(cosineMomentum(50, total, base, final), final);
    assert.equal(cosineMomentum(0, 0, base, final), final, 'no steps: the final momentum');
  });
});
