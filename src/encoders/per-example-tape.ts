import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';

/**
 * What one use of a trainable variable leaves on the tape during a backward pass: enough
 * to recover every example's gradient of that variable without a backward pass per
 * example. Rows are `leading * tokens` long, the leading axis being `k` stacked copies of
 * the batch (views, ordered view-major: row block `v * batch + i` is example `i`), the
 * tokens any positions within one example (tokens, pixels).
 * - `outer`: the gradient is `x^T d` summed over rows (a dense or conv kernel: `x` its
 *   input, im2col'ed for convs, `d` the gradient of its output), so example `i`'s is
 *   `X_i^T D_i` over that example's rows.
 * - `sum`: the gradient is the sum of the rows of `v` (biases, affine scales and shifts,
 *   broadcast parameters), so example `i`'s is the sum of its rows.
 */
export type TapeRecord =
  | { readonly kind: 'outer'; readonly x: tf.Tensor2D; readonly d: tf.Tensor2D; readonly leading: number }
  | { readonly kind: 'sum'; readonly v: tf.Tensor2D; readonly leading: number };

/** The records of one backward pass, by variable name. */
export interface PerExampleTape {
  /** Examples in the batch (the loss must be the mean of one term per example). */
  readonly examples: number;
  readonly records: Map<string, TapeRecord[]>;
  dispose(): void;
}

let active: PerExampleTape | undefined;
/** True while per-example gradients are computed, recorded (`active`) or one example at a time. */
let perExample = false;

/** True while a `withPerExampleTape` call records (layers then take their recording path). */
export function recordingPerExample(): boolean {
  return active !== undefined;
}

/**
 * Runs `f` as a per-example computation without a tape (DP-SGD's one-example-at-a-time
 * fallback): layers that mix the examples of a batch refuse, as under a tape.
 */
export function withPerExampleGuard<T>(f: () => T): T {
  const before = perExample;
  perExample = true;
  try {
    return f();
  } finally {
    perExample = before;
  }
}

/**
 * Runs `f` (which computes a loss and its gradients) with layers recording their
 * per-example gradient information; returns `f`'s result and the tape, whose tensors the
 * caller disposes (`tape.dispose()`). Not reentrant.
 */
export function withPerExampleTape<T>(examples: number, f: () => T): { result: T; tape: PerExampleTape } {
  if (active !== undefined || perExample) throw new Error('withPerExampleTape: already computing per-example gradients (calls do not nest)');
  const records = new Map<string, TapeRecord[]>();
  const tape: PerExampleTape = {
    examples,
    records,
    dispose: () => {
      for (const list of records.values()) for (const r of list) (r.kind === 'outer' ? [r.x, r.d] : [r.v]).forEach((t) => t.dispose());
      records.clear();
    },
  };
  active = tape;
  perExample = true;
  try {
    return { result: f(), tape };
  } catch (error) {
    tape.dispose();
    throw error;
  } finally {
    active = undefined;
    perExample = false;
  }
}

/** Called from a layer's gradient: keeps copies of the record's tensors on the active tape. */
export function recordGradient(variable: tf.Variable, record: TapeRecord): void {
  const tape = active;
  if (tape === undefined) return;
  if (variable.trainable === false) return;
  const kept: TapeRecord =
    record.kind === 'outer'
      ? { kind: 'outer', x: tf.keep(record.x.clone()), d: tf.keep(record.d.clone()), leading: record.leading }
      : { kind: 'sum', v: tf.keep(record.v.clone()), leading: record.leading };
  const list = tape.records.get(variable.name);
  if (list) list.push(kept);
  else tape.records.set(variable.name, [kept]);
}

/**
 * Throws when a per-example tape records: `what` mixes the examples of a batch (batch
 * norm), so one example's gradient is not its own and clipping it bounds nothing.
 */
export function refuseUnderPerExampleTape(what: string, remedy: string): void {
  if (perExample) {
    throw new InputError(
      `${what} under per-example gradients (DP-SGD)`,
      `layers that treat each example on its own (${remedy})`,
      `${what}, which normalises with statistics of the whole batch, so one example's gradient depends on the others`,
    );
  }
}

/**
 * A parameter `[1, ...rest]` that a model adds or multiplies in per example (a ViT's class
 * token and position embeddings, MAE's mask token), for use where it broadcasts over the
 * batch. Outside a per-example tape it is `param` itself (broadcast by the op that uses
 * it); under a tape it is `param` repeated `n` times along its first axis, `[n, ...rest]`,
 * whose gradient (the sum over the copies) records each copy's, so the parameter gets
 * per-example gradients like any layer's.
 */
export function repeatParameter(param: tf.Variable, n: number): tf.Tensor {
  if (param.shape[0] !== 1) throw new InputError(`repeatParameter ${param.name}`, 'a parameter of shape [1, ...]', `[${param.shape.join(', ')}]`);
  const shape = [n, ...param.shape.slice(1)];
  if (!recordingPerExample()) return param;
  const size = param.size;
  const repeat = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const p = args[0] as tf.Tensor;
    return {
      value: tf.add(tf.zeros(shape), p),
      gradFunc: (dy: tf.Tensor) => {
        const rows = tf.reshape(dy, [n, size]) as tf.Tensor2D;
        recordGradient(param, { kind: 'sum', v: rows, leading: n });
        return [tf.reshape(tf.sum(rows, 0), param.shape)];
      },
    };
  });
  return repeat(param);
}

/**
 * The per-channel affine map `x * gamma + beta` over the last axis (the end of layer,
 * group and batch norm). Under a per-example tape it records `x * dy` for `gamma` and `dy`
 * for `beta`, with `leading` copies of the batch on the first axis of `x`.
 */
export function channelAffine<T extends tf.Tensor>(x: T, gamma: tf.Variable, beta: tf.Variable): T {
  if (!recordingPerExample()) return tf.add(tf.mul(x, gamma), beta) as T;
  const channels = x.shape[x.rank - 1];
  const leading = x.shape[0];
  const affine = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([input, g]);
    return {
      value: tf.add(tf.mul(input, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs] = saved;
        const dyRows = tf.reshape(dy, [-1, channels]) as tf.Tensor2D;
        const scaled = tf.mul(tf.reshape(xs, [-1, channels]), dyRows) as tf.Tensor2D;
        recordGradient(gamma, { kind: 'sum', v: scaled, leading });
        recordGradient(beta, { kind: 'sum', v: dyRows, leading });
        return [tf.mul(dy, gs), tf.sum(scaled, 0), tf.sum(dyRows, 0)];
      },
    };
  });
  return affine(x, gamma, beta) as T;
}

/**
 * `x W (+ b)` for 2-D rows `[leading * tokens, inDim]` that records the kernel's and bias'
 * per-example gradients; `leading` is the first axis of the layer's input before its
 * rows were flattened. Its gradient for the kernel is zero: whoever records rebuilds the
 * kernel's (clipped) gradient from the tape, so a variable must not also be used outside
 * recording layers.
 */
export function recordedMatMul(x: tf.Tensor2D, kernel: tf.Variable, bias: tf.Variable | null, leading: number): tf.Tensor2D {
  const outDim = kernel.shape[1] as number;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor2D;
    const w = args[1] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([input, w]);
    const y = tf.matMul(input, w);
    return {
      value: bias ? tf.add(y, args[2] as tf.Tensor) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const d = tf.reshape(dy, [-1, outDim]) as tf.Tensor2D;
        recordGradient(kernel, { kind: 'outer', x: xs, d, leading });
        // The kernel's batch gradient is rebuilt from the tape (clipped), so it is not computed here.
        const grads: tf.Tensor[] = [tf.matMul(d, ws, false, true), tf.zerosLike(ws)];
        if (bias) {
          recordGradient(bias, { kind: 'sum', v: d, leading });
          grads.push(tf.sum(d, 0));
        }
        return grads;
      },
    };
  });
  return (bias ? f(x, kernel, bias) : f(x, kernel)) as tf.Tensor2D;
}

/** `x + bias` over the last axis; under a per-example tape it records `dy` for `bias` (first axis of `x`: the batch). */
export function addBias<T extends tf.Tensor>(x: T, bias: tf.Variable): T {
  if (!recordingPerExample()) return tf.add(x, bias) as T;
  const channels = x.shape[x.rank - 1];
  const leading = x.shape[0];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, b] = args as [tf.Tensor, tf.Tensor];
    return {
      value: tf.add(input, b),
      gradFunc: (dy: tf.Tensor) => {
        const rows = tf.reshape(dy, [-1, channels]) as tf.Tensor2D;
        recordGradient(bias, { kind: 'sum', v: rows, leading });
        return [dy, tf.sum(rows, 0)];
      },
    };
  });
  return f(x, bias) as T;
}
