import type * as tfCore from '@tensorflow/tfjs-core';

/** What a case computes: one or more arrays of numbers (tensor values, norms, a loss curve). */
export type CaseOutputs = readonly ArrayLike<number>[];

/**
 * One check of the conformance suite: `run` computes on the backend under test, and
 * `reference` (default: `run` itself) on the reference backend; their outputs must agree
 * within `tolerance` (see `caseError`). `run` creates its inputs from seeded values, so both
 * backends see the same numbers, and must leave no tensor behind.
 */
export interface ConformanceCase {
  /** The kernel, gradient or behaviour checked, e.g. `BatchMatMul (transposeB)`. */
  readonly kernel: string;
  /** The shapes it runs on, e.g. `[32,784] x [784,512]` (taken from our encoders). */
  readonly shape: string;
  /** Largest `caseError` accepted. */
  readonly tolerance: number;
  /** Why the shape is smaller than the encoder's (the cpu reference is slow), or other context. */
  readonly note?: string;
  /** Computes on the active backend. */
  run(tf: typeof tfCore): CaseOutputs | Promise<CaseOutputs>;
  /** What the reference backend computes, when it is not `run` (e.g. one example at a time). */
  reference?(tf: typeof tfCore): CaseOutputs | Promise<CaseOutputs>;
}

/** One line of the suite's result. */
export interface ConformanceRow {
  readonly kernel: string;
  readonly shape: string;
  /** `caseError` of the backend under test against the reference; `null` when the case threw or produced NaN. */
  readonly maxError: number | null;
  readonly tolerance: number;
  readonly ok: boolean;
  readonly note?: string;
  /** Why the case failed beyond its error: an exception, a shape mismatch, leaked tensors. */
  readonly problem?: string;
  /** Milliseconds the case took on the backend under test (first run: includes compiling and warming up). */
  readonly ms?: number;
}

/**
 * Error of `outputs` against `expected`: for each array, the largest absolute difference
 * divided by the largest absolute reference value (1 where the reference is all zeros);
 * the largest over the arrays. NaN anywhere, or arrays of different lengths, give NaN.
 */
export function caseError(outputs: CaseOutputs, expected: CaseOutputs): number {
  if (outputs.length !== expected.length) return Number.NaN;
  let worst = 0;
  for (let j = 0; j < outputs.length; j++) {
    const a = outputs[j];
    const r = expected[j];
    if (a.length !== r.length) return Number.NaN;
    let scale = 0;
    for (let i = 0; i < r.length; i++) scale = Math.max(scale, Math.abs(r[i]));
    if (!Number.isFinite(scale)) return Number.NaN;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - r[i]);
      if (Number.isNaN(d)) return Number.NaN;
      diff = Math.max(diff, d);
    }
    worst = Math.max(worst, diff / (scale > 0 ? scale : 1));
  }
  return worst;
}
