import { emitModule, f32, i32, op, v128, type FunctionSpec } from './wasm-emit';

/**
 * Adam's elementwise update as a WebAssembly SIMD function (4 lanes, float32) that runs
 * directly on the wasm backend's memory: one pass reading the parameter, gradient and both
 * moments and writing the three results. The caller passes byte offsets into the
 * backend's heap and the number of bytes to process (a multiple of 16).
 */
export type AdamSimd = (
  param: number, grad: number, m: number, v: number,
  outParam: number, outM: number, outV: number, bytes: number,
  beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
  /** `lr / (1 - beta1^t)`. */
  stepSize: number,
  /** `1 / (1 - beta2^t)`. */
  vScale: number,
  epsilon: number,
  /** `1 - lr * weightDecay` for AdamW, else 1. */
  shrink: number,
  /** `weightDecay` for L2 decay, else 0. */
  l2: number,
) => void;

// Parameter and local indices of the function below.
const [P, G, M, V, OUT_P, OUT_M, OUT_V, BYTES] = [0, 1, 2, 3, 4, 5, 6, 7];
const FIRST_SCALAR = 8; // beta1 .. l2: nine f32 parameters, 8..16
const I = 17;
const FIRST_SPLAT = 18; // the nine scalars as f32x4, 18..26
const [S_B1, S_C1, S_B2, S_C2, S_STEP, S_VSCALE, S_EPS, S_SHRINK, S_L2] = [18, 19, 20, 21, 22, 23, 24, 25, 26];
const [X_P, X_G, X_M, X_V] = [27, 28, 29, 30];

const at = (base: number): number[] => [...op.get(base), ...op.get(I), ...op.i32Add];
const load = (base: number): number[] => [...at(base), ...op.v128Load];

/** The `adam` function of the SIMD module (see `AdamSimd` for its parameters). */
export function adamFunction(): FunctionSpec {
  const body: number[] = [];
  for (let k = 0; k < 9; k++) body.push(...op.get(FIRST_SCALAR + k), ...op.f32x4Splat, ...op.set(FIRST_SPLAT + k));
  body.push(
    ...op.block, ...op.loop,
    ...op.get(I), ...op.get(BYTES), ...op.i32GeU, ...op.brIf(1),
    // p = param; g = grad + l2 * p
    ...load(P), ...op.set(X_P),
    ...load(G), ...op.get(S_L2), ...op.get(X_P), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(X_G),
    // m = beta1 * m + (1 - beta1) * g
    ...load(M), ...op.get(S_B1), ...op.f32x4Mul, ...op.get(S_C1), ...op.get(X_G), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(X_M),
    // v = beta2 * v + (1 - beta2) * g * g
    ...load(V), ...op.get(S_B2), ...op.f32x4Mul,
    ...op.get(S_C2), ...op.get(X_G), ...op.f32x4Mul, ...op.get(X_G), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(X_V),
    ...at(OUT_M), ...op.get(X_M), ...op.v128Store,
    ...at(OUT_V), ...op.get(X_V), ...op.v128Store,
    // param = p * shrink - stepSize * m / (sqrt(v * vScale) + epsilon)
    ...at(OUT_P),
    ...op.get(X_P), ...op.get(S_SHRINK), ...op.f32x4Mul,
    ...op.get(S_STEP), ...op.get(X_M), ...op.f32x4Mul,
    ...op.get(X_V), ...op.get(S_VSCALE), ...op.f32x4Mul, ...op.f32x4Sqrt, ...op.get(S_EPS), ...op.f32x4Add,
    ...op.f32x4Div, ...op.f32x4Sub,
    ...op.v128Store,
    ...op.get(I), ...op.i32Const(16), ...op.i32Add, ...op.set(I),
    ...op.br(0),
    ...op.end, ...op.end,
  );
  return {
    name: 'adam',
    params: [i32, i32, i32, i32, i32, i32, i32, i32, f32, f32, f32, f32, f32, f32, f32, f32, f32],
    locals: [i32, ...new Array<typeof v128>(9 + 4).fill(v128)],
    body,
  };
}
