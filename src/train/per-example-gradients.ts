import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import { withPerExampleGuard, withPerExampleTape, type PerExampleTape, type TapeRecord } from '../encoders/per-example-tape';
import type { Objective, ObjectiveBatch, ObjectiveState } from '../methods/objective';
import { InputError } from '../util/errors';
import { checkNumber } from '../util/options';
import type { Rng } from '../util/rng';
import { computeGradients, trainableVariables } from './compute-gradients';
import type { NamedTensors } from './optimizer';

/**
 * How per-example gradients are found: `ghost` from one backward pass (each layer records
 * its inputs and output gradients, and the norms come from them without materialising a
 * gradient per example where that is cheaper), falling back to `microbatch` when the model
 * has a trainable variable no recording layer covers; `microbatch`: one backward pass per
 * example.
 */
export type PerExampleMethod = 'ghost' | 'microbatch';

/** What `clippedGradientSum` returns; the caller disposes `loss` and `sum`. */
export interface ClippedGradientSum {
  /** The batch's mean loss. */
  readonly loss: tf.Scalar;
  /** `sum_i g_i min(1, C / |g_i|)` for every trainable variable (zeros where the loss does not depend on it). */
  readonly sum: NamedTensors;
  /** `|g_i|`, each example's gradient norm over all variables, before clipping. */
  readonly norms: Float32Array;
  /** The method that ran (`ghost` may have fallen back to `microbatch`). */
  readonly method: PerExampleMethod;
}

/**
 * The sum of the batch's per-example gradients, each clipped to L2 norm `clip` (DP-SGD's
 * per-example step, before the noise). `objective.loss` must be the mean over the batch
 * of one term per example (every method DP-SGD accepts is), so example `i`'s gradient is
 * `batch size` times its share of the mean's gradient. All views must hold the same
 * examples in the same order.
 */
export function clippedGradientSum(
  encoder: Encoder,
  objective: Objective,
  state: ObjectiveState,
  batch: ObjectiveBatch,
  rng: Rng,
  options: { readonly clip: number; readonly method: PerExampleMethod },
): ClippedGradientSum {
  const { clip, method } = options;
  checkNumber(clip, 'clippedGradientSum clip', { min: 0, minOpen: true });
  const examples = batch.views[0]?.shape[0] ?? 0;
  batch.views.forEach((v, i) => {
    if (v.shape[0] !== examples) throw new InputError(`clippedGradientSum views[${i}]`, `${examples} examples (as views[0])`, `${v.shape[0]}`);
  });
  if (examples === 0) throw new InputError('clippedGradientSum batch', 'at least one example', 'an empty batch');
  const call: BatchCall = { encoder, objective, state, batch, rng, clip, examples, variables: trainableVariables(encoder, state) };
  return (method === 'ghost' ? ghostClippedSum(call) : undefined) ?? microbatchClippedSum(call);
}

/** One call of `clippedGradientSum`, checked: the model, the batch and its size, the loss rng, the clip norm. */
interface BatchCall {
  readonly encoder: Encoder;
  readonly objective: Objective;
  readonly state: ObjectiveState;
  readonly batch: ObjectiveBatch;
  readonly rng: Rng;
  readonly clip: number;
  readonly examples: number;
  /** The trainable variables, encoder's then heads'. */
  readonly variables: tf.Variable[];
}

/** Zeros of every trainable variable's shape, named as the variables. */
function zerosOf(variables: readonly tf.Variable[]): NamedTensors {
  return Object.fromEntries(variables.map((v) => [v.name, tf.zerosLike(v)]));
}

/**
 * Ghost clipping from one backward pass, or `undefined` when some variable with a gradient
 * has no record on the tape (a layer that does not record, or rows that are not copies of
 * the batch): the caller then falls back to one pass per example.
 */
function ghostClippedSum({ encoder, objective, state, batch, rng, clip, examples, variables }: BatchCall): ClippedGradientSum | undefined {
  const { result, tape } = withPerExampleTape(examples, () => tf.variableGrads(() => objective.loss(encoder, state, batch, rng), variables));
  try {
    const names = Object.keys(result.grads);
    Object.values(result.grads).forEach((g) => g.dispose());
    const covered = names.every((n) => (tape.records.get(n) ?? []).every((r) => r.leading % examples === 0) && tape.records.has(n));
    if (!covered) {
      result.value.dispose();
      return undefined;
    }
    const norms = perExampleNorms(tape, names, examples);
    const scales = norms.map((n) => Math.min(1, clip / Math.max(n, 1e-12)));
    const sum = zerosOf(variables);
    for (const name of names) {
      const clipped = clippedSumFromTape(tape, name, examples, scales);
      sum[name].dispose();
      sum[name] = clipped;
    }
    return { loss: result.value, sum, norms, method: 'ghost' };
  } finally {
    tape.dispose();
  }
}

/** Rows `[leading * tokens, c]` (leading = k copies of `examples`, view-major) -> `[examples, k * tokens, c]`. */
function byExample(rows: tf.Tensor2D, leading: number, examples: number): tf.Tensor3D {
  const copies = leading / examples;
  const tokens = rows.shape[0] / leading;
  const c = rows.shape[1];
  if (copies === 1) return tf.reshape(rows, [examples, tokens, c]);
  return tf.reshape(tf.transpose(tf.reshape(rows, [copies, examples, tokens, c]), [1, 0, 2, 3]), [examples, copies * tokens, c]);
}

/** The records of one variable, all `outer` (inputs and output gradients per example, concatenated over uses) or all `sum`. */
function recordsOf(tape: PerExampleTape, name: string, examples: number): { kind: 'outer'; x: tf.Tensor3D; d: tf.Tensor3D } | { kind: 'sum'; g: tf.Tensor2D } {
  const records = tape.records.get(name) ?? [];
  const kinds = new Set(records.map((r) => r.kind));
  if (kinds.size !== 1) throw new Error(`per-example gradients of ${name}: records of kinds ${[...kinds].join(', ')} (a variable is used as a kernel and as a shift at once)`);
  if (records[0].kind === 'outer') {
    const outer = records as Extract<TapeRecord, { kind: 'outer' }>[];
    const xs = outer.map((r) => byExample(r.x, r.leading, examples));
    const ds = outer.map((r) => byExample(r.d, r.leading, examples));
    return { kind: 'outer', x: xs.length === 1 ? xs[0] : tf.concat(xs, 1), d: ds.length === 1 ? ds[0] : tf.concat(ds, 1) };
  }
  const sums = (records as Extract<TapeRecord, { kind: 'sum' }>[]).map((r) => tf.sum(byExample(r.v, r.leading, examples), 1) as tf.Tensor2D);
  return { kind: 'sum', g: sums.length === 1 ? sums[0] : (tf.addN(sums) as tf.Tensor2D) };
}

/**
 * Each example's gradient norm over the variables `names`, from the tape. For a kernel,
 * `|X_i^T D_i|^2` is found as `sum((X_i X_i^T) * (D_i D_i^T))` when the example has fewer
 * rows than the kernel has entries (ghost norm), else from the materialised `X_i^T D_i`.
 * Scaled by `examples` (the loss is a batch mean).
 */
export function perExampleNorms(tape: PerExampleTape, names: readonly string[], examples: number): Float32Array {
  const squared = tf.tidy(() => {
    let total: tf.Tensor1D = tf.zeros([examples]);
    for (const name of names) {
      const r = recordsOf(tape, name, examples);
      let part: tf.Tensor;
      if (r.kind === 'sum') part = tf.sum(tf.square(r.g), 1);
      else {
        const rows = r.x.shape[1];
        const entries = r.x.shape[2] * r.d.shape[2];
        part =
          rows * rows <= entries
            ? tf.sum(tf.mul(tf.matMul(r.x, r.x, false, true), tf.matMul(r.d, r.d, false, true)), [1, 2])
            : tf.sum(tf.square(tf.matMul(r.x, r.d, true, false)), [1, 2]);
      }
      total = tf.add(total, part);
    }
    return total;
  });
  const values = squared.dataSync() as Float32Array;
  squared.dispose();
  return values.map((s) => Math.sqrt(Math.max(s, 0)) * examples);
}

/** `sum_i scales[i] g_i` of variable `name` from the tape (`g_i` with the batch-mean factor), in the variable's shape. */
export function clippedSumFromTape(tape: PerExampleTape, name: string, examples: number, scales: ArrayLike<number>): tf.Tensor {
  const variable = tf.engine().registeredVariables[name];
  return tf.tidy(() => {
    const weights = tf.mul(tf.tensor1d(Array.from(scales)), examples);
    const r = recordsOf(tape, name, examples);
    const sum =
      r.kind === 'sum'
        ? tf.matMul(tf.reshape(weights, [1, examples]), r.g)
        : tf.matMul(
            tf.reshape(tf.mul(r.x, tf.reshape(weights, [examples, 1, 1])), [-1, r.x.shape[2]]),
            tf.reshape(r.d, [-1, r.d.shape[2]]),
            true,
            false,
          );
    return tf.reshape(sum, variable.shape);
  });
}

/** One example of a batch: row `i` of every view (and label). */
function exampleOf(batch: ObjectiveBatch, i: number): ObjectiveBatch {
  const views = batch.views.map((v) => tf.slice(v, [i, 0, 0, 0], [1, v.shape[1], v.shape[2], v.shape[3]]));
  return batch.labels === undefined ? { views } : { views, labels: tf.slice(batch.labels, [i], [1]) };
}

/**
 * One backward pass per example (example `i`'s loss randomness from `rng.fork(i)`), each
 * gradient clipped and added to the running sum.
 */
function microbatchClippedSum({ encoder, objective, state, batch, rng, clip, examples, variables }: BatchCall): ClippedGradientSum {
  let sum = zerosOf(variables);
  const norms = new Float32Array(examples);
  let lossSum = 0;
  withPerExampleGuard(() => {
    for (let i = 0; i < examples; i++) {
      const next = tf.tidy(() => {
        const { loss, grads } = computeGradients(encoder, objective, state, exampleOf(batch, i), rng.fork(i));
        lossSum += loss.dataSync()[0];
        const norm = Math.sqrt(Object.values(grads).reduce((s, g) => s + (tf.sum(tf.square(g)).dataSync()[0] as number), 0));
        norms[i] = norm;
        const scale = Math.min(1, clip / Math.max(norm, 1e-12));
        return Object.fromEntries(Object.entries(sum).map(([name, acc]) => [name, grads[name] === undefined ? tf.clone(acc) : tf.add(acc, tf.mul(grads[name], scale))]));
      });
      Object.values(sum).forEach((t) => t.dispose());
      sum = next;
    }
  });
  return { loss: tf.scalar(lossSum / examples), sum, norms, method: 'microbatch' };
}
