import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { dinoCrossEntropy, updatedCentre, type DinoTemperatures } from '../../src/losses/dino-cross-entropy';
import { InputError } from '../../src/util/errors';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

type Matrix = number[][];

function randomMatrix(n: number, d: number, seed: number, scale = 1): Matrix {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => scale * rng.normal()));
}

function randomViews(count: number, n: number, k: number, seed: number, scale = 1): Matrix[] {
  return Array.from({ length: count }, (_, v) => randomMatrix(n, k, seed + 31 * v, scale));
}

function naiveLogSoftmax(row: number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

/** The (teacher view, student view) pairs DINO compares: every t with every s != t. */
function pairsOf(students: number, teachers: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let t = 0; t < teachers; t++) for (let s = 0; s < students; s++) if (s !== t) pairs.push([t, s]);
  return pairs;
}

/** `mean over pairs and rows of -sum_k softmax((t - c)/tau_t)_k log_softmax(s/tau_s)_k`, float64. */
function naiveDino(student: Matrix[], teacher: Matrix[], centre: number[], temps: DinoTemperatures): number {
  const pairs = pairsOf(student.length, teacher.length);
  let total = 0;
  for (const [t, s] of pairs) {
    const n = teacher[t].length;
    let pairLoss = 0;
    for (let i = 0; i < n; i++) {
      const p = naiveLogSoftmax(teacher[t][i].map((x, k) => (x - centre[k]) / temps.teacher)).map(Math.exp);
      const logq = naiveLogSoftmax(student[s][i].map((x) => x / temps.student));
      pairLoss -= p.reduce((acc, pk, k) => acc + pk * logq[k], 0);
    }
    total += pairLoss / n;
  }
  return total / pairs.length;
}

function loss(student: Matrix[], teacher: Matrix[], centre: number[], temps: DinoTemperatures): number {
  return tf.tidy(() => dinoCrossEntropy(student.map((m) => tf.tensor2d(m)), teacher.map((m) => tf.tensor2d(m)), tf.tensor1d(centre), temps).dataSync()[0]);
}

const temps: DinoTemperatures = { student: 0.1, teacher: 0.04 };

describe('dinoCrossEntropy', () => {
  test('equals the naive loop over (teacher t, student s != t) pairs at several temperatures', () => {
    for (const [n, k, seed] of [
      [1, 3, 1],
      [4, 5, 2],
      [6, 8, 3],
    ]) {
      const student = randomViews(2, n, k, seed);
      const teacher = randomViews(2, n, k, seed + 500);
      const centre = randomMatrix(1, k, seed + 900, 0.3)[0];
      for (const tt of [temps, { student: 0.5, teacher: 0.2 }, { student: 1, teacher: 1 }]) {
        const expected = naiveDino(student, teacher, centre, tt);
        const got = loss(student, teacher, centre, tt);
        assert.ok(Math.abs(got - expected) < 1e-4 * Math.max(1, expected), `n ${n} k ${k} ${JSON.stringify(tt)}: ${got} vs ${expected}`);
      }
    }
  });

  test('multi-crop: 2 teacher and 4 student views make 2 * 3 = 6 pairs', () => {
    assert.equal(pairsOf(4, 2).length, 6);
    const student = randomViews(4, 3, 6, 40);
    const teacher = randomViews(2, 3, 6, 60);
    const centre = [0.1, -0.2, 0, 0.3, 0, -0.1];
    const expected = naiveDino(student, teacher, centre, temps);
    const got = loss(student, teacher, centre, temps);
    assert.ok(Math.abs(got - expected) < 1e-4 * Math.max(1, expected), `${got} vs ${expected}`);
    // each pair's loss on its own (one teacher view against one other student view) averages to the same value
    const single = (t: number, s: number): number => loss([teacher[t], student[s]], [teacher[t]], centre, temps);
    const perPair = pairsOf(4, 2).map(([t, s]) => single(t, s));
    assert.ok(Math.abs(perPair.reduce((a, b) => a + b, 0) / 6 - got) < 1e-4 * Math.max(1, got));
    // views at the teachers' own positions are not compared with them: changing student[0] only changes pairs (1, 0)
    const changed = student.map((m, v) => (v === 0 ? randomMatrix(3, 6, 99) : m));
    const delta = loss(changed, teacher, centre, temps) - got;
    const expectedDelta = (single(1, 0) - loss([teacher[1], changed[0]], [teacher[1]], centre, temps)) / -6;
    assert.ok(Math.abs(delta - expectedDelta) < 1e-4, `${delta} vs ${expectedDelta}`);
  });

  test('invariant to swapping the two global views (student and teacher together)', () => {
    const student = randomViews(4, 5, 4, 70);
    const teacher = randomViews(2, 5, 4, 80);
    const centre = [0.2, 0, -0.1, 0.05];
    const base = loss(student, teacher, centre, temps);
    const swapped = loss([student[1], student[0], student[2], student[3]], [teacher[1], teacher[0]], centre, temps);
    assert.ok(Math.abs(swapped - base) < 1e-5 * Math.max(1, base), `${swapped} vs ${base}`);
    // and to the order of the local views
    const locals = loss([student[0], student[1], student[3], student[2]], teacher, centre, temps);
    assert.ok(Math.abs(locals - base) < 1e-5 * Math.max(1, base));
  });

  test('uniform student logits give log K whatever the teacher and centre', () => {
    for (const k of [2, 7, 16]) {
      const uniform = Array.from({ length: 3 }, () => Array.from({ length: k }, () => 0.7));
      const teacher = randomViews(2, 3, k, k);
      const centre = randomMatrix(1, k, k + 1)[0];
      const got = loss([uniform, uniform, uniform], teacher, centre, temps);
      assert.ok(Math.abs(got - Math.log(k)) < 1e-5, `K ${k}: ${got}`);
    }
  });

  test('gradient w.r.t. a student view matches finite differences of the naive loss', () => {
    const student = randomViews(2, 2, 3, 110);
    const teacher = randomViews(2, 2, 3, 120);
    const centre = [0.1, 0, -0.1];
    const tt = { student: 0.5, teacher: 0.3 };
    const grad = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => dinoCrossEntropy([x as tf.Tensor2D, tf.tensor2d(student[1])], teacher.map((m) => tf.tensor2d(m)), tf.tensor1d(centre), tt))(tf.tensor2d(student[0])).arraySync(),
    ) as Matrix;
    const h = 1e-6;
    for (let i = 0; i < 2; i++) {
      for (let k = 0; k < 3; k++) {
        const plus = student.map((m) => m.map((r) => [...r]));
        const minus = student.map((m) => m.map((r) => [...r]));
        plus[0][i][k] += h;
        minus[0][i][k] -= h;
        const numeric = (naiveDino(plus, teacher, centre, tt) - naiveDino(minus, teacher, centre, tt)) / (2 * h);
        assert.ok(Math.abs(grad[i][k] - numeric) < 1e-4, `[${i}, ${k}] ${grad[i][k]} vs ${numeric}`);
      }
    }
  });

  test('bad views, centre or temperatures are InputErrors; no tensors leak', () => {
    const a = tf.tensor2d(randomMatrix(3, 4, 1));
    const b = tf.tensor2d(randomMatrix(3, 4, 2));
    const narrow = tf.tensor2d(randomMatrix(3, 2, 3));
    const centre = tf.zeros([4]) as tf.Tensor1D;
    const badCentre = tf.zeros([3]) as tf.Tensor1D;
    assert.throws(() => dinoCrossEntropy([a], [a], centre, temps), (e: unknown) => e instanceof InputError && /dinoCrossEntropy views/.test(e.message));
    assert.throws(() => dinoCrossEntropy([a, b], [], centre, temps), InputError);
    assert.throws(() => dinoCrossEntropy([a, b], [a, b, a], centre, temps), InputError);
    assert.throws(() => dinoCrossEntropy([a, narrow], [a], centre, temps), (e: unknown) => e instanceof InputError && /dinoCrossEntropy student\[1\]: expected \[3, 4\], found \[3, 2\]/.test(e.message));
    assert.throws(() => dinoCrossEntropy([a, b, a], [a, narrow], centre, temps), (e: unknown) => e instanceof InputError && /dinoCrossEntropy teacher\[1\]: expected \[3, 4\], found \[3, 2\]/.test(e.message));
    assert.throws(() => dinoCrossEntropy([a, b], [a], badCentre, temps), (e: unknown) => e instanceof InputError && /centre: expected \[4\], found \[3\]/.test(e.message));
    assert.throws(() => dinoCrossEntropy([a, b], [a], centre, { student: 0, teacher: 0.04 }), (e: unknown) => e instanceof InputError && /temperatures/.test(e.message));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      dinoCrossEntropy([a, b], [a, b], centre, temps).dispose();
      updatedCentre(centre, [a, b], 0.9).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    for (const t of [a, b, narrow, centre, badCentre]) t.dispose();
  });
});

describe('updatedCentre', () => {
  test('m c + (1 - m) mean over all rows of all teacher views', () => {
    const teacher = randomViews(2, 4, 3, 200);
    const centre = [0.5, -1, 2];
    for (const m of [0, 0.3, 0.9, 1]) {
      const got = tf.tidy(() => Array.from(updatedCentre(tf.tensor1d(centre), teacher.map((t) => tf.tensor2d(t)), m).dataSync()));
      const rows = teacher.flat();
      const expected = centre.map((c, k) => m * c + (1 - m) * (rows.reduce((s, r) => s + r[k], 0) / rows.length));
      got.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-6, `m ${m} [${k}] ${v} vs ${expected[k]}`));
    }
  });

  test('momentum outside [0, 1] is an InputError', () => {
    const centre = tf.zeros([2]) as tf.Tensor1D;
    const t = tf.ones([2, 2]) as tf.Tensor2D;
    for (const m of [-0.1, 1.5, Number.NaN]) {
      assert.throws(() => updatedCentre(centre, [t], m), (e: unknown) => e instanceof InputError && /updatedCentre momentum: expected a number in \[0, 1\]/.test(e.message));
    }
    centre.dispose();
    t.dispose();
  });
});
