import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { logSoftmaxRows } from './cross-entropy';

/** Temperatures of `dinoCrossEntropy`. */
export interface DinoTemperatures {
  /** Student softmax temperature. DINO: 0.1. */
  readonly student: number;
  /** Teacher softmax temperature (sharpening, below the student's). DINO: 0.04 to 0.07. */
  readonly teacher: number;
}

/**
 * DINO's loss (Caron et al. 2021): for every pair of a teacher view `t` and a different
 * student view `s`, the cross-entropy `-sum_k P_t(k) log P_s(k)` with
 * `P_t = softmax((teacher_t - centre) / tau_t)` (centred and sharpened) and
 * `P_s = softmax(student_s / tau_s)`, averaged over the batch and the pairs. Teacher views
 * are the first `teacher.length` student views (the global crops); all logits are
 * `[n, K]`, `centre` is `[K]`. The teacher side carries no gradient when its logits come
 * from an EMA copy; wrap them in `stopGradient` otherwise.
 */
export function dinoCrossEntropy(
  student: readonly tf.Tensor2D[],
  teacher: readonly tf.Tensor2D[],
  centre: tf.Tensor1D,
  temperatures: DinoTemperatures,
): tf.Scalar {
  if (teacher.length < 1 || student.length < 2 || teacher.length > student.length) {
    throw new InputError('dinoCrossEntropy views', 'at least 2 student views and 1 to that many teacher views', `${student.length} student, ${teacher.length} teacher`);
  }
  const shape = teacher[0].shape;
  for (const [list, views] of [['student', student], ['teacher', teacher]] as const) {
    views.forEach((t, i) => {
      if (t.rank !== 2 || t.shape[1] !== shape[1] || t.shape[0] !== shape[0]) {
        throw new InputError(`dinoCrossEntropy ${list}[${i}]`, `[${shape.join(', ')}]`, `[${t.shape.join(', ')}]`);
      }
    });
  }
  if (centre.rank !== 1 || centre.shape[0] !== shape[1]) throw new InputError('dinoCrossEntropy centre', `[${shape[1]}]`, `[${centre.shape.join(', ')}]`);
  if (!(temperatures.student > 0 && temperatures.teacher > 0)) {
    throw new InputError('dinoCrossEntropy temperatures', 'student and teacher > 0', JSON.stringify(temperatures));
  }
  return tf.tidy(() => {
    const targets = teacher.map((t) => tf.softmax(tf.div(tf.sub(t, centre), temperatures.teacher)));
    const logProbs = student.map((s) => logSoftmaxRows(tf.div(s, temperatures.student) as tf.Tensor2D));
    let total: tf.Tensor = tf.scalar(0);
    let pairs = 0;
    targets.forEach((p, ti) => {
      logProbs.forEach((q, si) => {
        if (si === ti) return;
        total = tf.add(total, tf.mean(tf.neg(tf.sum(tf.mul(p, q), 1))));
        pairs++;
      });
    });
    return tf.div(total, pairs) as tf.Scalar;
  });
}

/**
 * DINO's centre update: `centre <- m centre + (1 - m) mean(teacher logits)`, the mean
 * over all rows of all teacher views. Returns the new centre `[K]` (the caller assigns it).
 */
export function updatedCentre(centre: tf.Tensor1D, teacher: readonly tf.Tensor2D[], momentum: number): tf.Tensor1D {
  if (!(momentum >= 0 && momentum <= 1)) throw new InputError('updatedCentre momentum', 'a number in [0, 1]', String(momentum));
  if (teacher.length === 0) throw new InputError('updatedCentre teacher', 'at least one view of logits', 'none');
  teacher.forEach((t, i) => {
    if (t.rank !== 2 || t.shape[1] !== centre.shape[0]) throw new InputError(`updatedCentre teacher[${i}]`, `[n, ${centre.shape[0]}] (the centre's width)`, `[${t.shape.join(', ')}]`);
  });
  return tf.tidy(() => {
    const batchMean = tf.mean(tf.concat(teacher as tf.Tensor2D[], 0), 0);
    return tf.add(tf.mul(centre, momentum), tf.mul(batchMean, 1 - momentum)) as tf.Tensor1D;
  });
}
