import { i32, op, v128, type FunctionSpec } from './wasm-emit';

/**
 * The exact GELU, `gelu(x) = x Phi(x)`, and its derivative `Phi(x) + x phi(x)` in
 * WebAssembly SIMD, one pass each instead of about five ops forward and twelve backward.
 * `Phi` comes from Abramowitz & Stegun 7.1.26 for erf (the formula tfjs's own Erf uses,
 * |error| < 1.5e-7), written so that the lower tail is not 1 minus nearly 1:
 * with `z = |x| / sqrt 2`, `t = 1 / (1 + p z)` and `q = t P(t) exp(-z^2)`,
 * `Phi(x) = q / 2` for x < 0 and `1 - q / 2` otherwise. `exp` of `-z^2 <= 0` is
 * `2^n e^r` with `|r| <= ln 2 / 2` and a degree-6 Taylor polynomial (relative error
 * < 2e-7), flushed to 0 where `x^2 / 2 > 50` (|x| > 10): there `Phi` is below 1e-23,
 * and the tiny products it would make are denormal floats, which slow every matrix
 * product that later reads them by orders of magnitude.
 */
export type GeluSimd = (x: number, out: number, bytes: number) => void;
export type GeluGradSimd = (x: number, dy: number, dx: number, bytes: number) => void;

const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
const LN2_HI = 0.693359375;
/** `exp(-x^2 / 2)` counts as 0 where `x^2 / 2` exceeds this. */
const GAUSS_FLUSH = 50;
const LN2_LO = -2.12194440e-4;

const splat = (value: number): number[] => [...op.f32Const(value), ...op.f32x4Splat];

/**
 * Instructions leaving `Phi(x)` in local `phi` and `exp(-x^2 / 2)` in local `e`, for x
 * in local `x`; `t`, `n` are scratch locals (all v128).
 */
function phiAndGauss(x: number, phi: number, e: number, t: number, n: number): number[] {
  const out: number[] = [];
  // z^2 = x^2 / 2, clamped so that exp stays a normal float
  out.push(...op.get(x), ...op.get(x), ...op.f32x4Mul, ...splat(-0.5), ...op.f32x4Mul, ...splat(-87), ...op.f32x4Max, ...op.set(e));
  // n = nearest(y log2 e); r = y - n ln2 (in two parts), kept in e
  out.push(...op.get(e), ...splat(Math.LOG2E), ...op.f32x4Mul, ...op.f32x4Nearest, ...op.set(n));
  out.push(...op.get(e), ...op.get(n), ...splat(LN2_HI), ...op.f32x4Mul, ...op.f32x4Sub);
  out.push(...op.get(n), ...splat(LN2_LO), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(e));
  // e^r by Horner: 1 + r (1 + r (1/2 + r (1/6 + r (1/24 + r (1/120 + r / 720)))))
  out.push(...splat(1 / 720));
  for (const c of [1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]) out.push(...op.get(e), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add);
  // times 2^n: the float with exponent bits n + 127
  out.push(...op.get(n), ...op.i32x4TruncSatF32x4S, ...op.i32Const(127), ...op.i32x4Splat, ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl);
  out.push(...op.f32x4Mul, ...op.set(e));
  // flush: e = 0 where -x^2 / 2 < -50
  out.push(...op.get(e), ...op.get(x), ...op.get(x), ...op.f32x4Mul, ...splat(-0.5), ...op.f32x4Mul, ...splat(-GAUSS_FLUSH), ...op.f32x4Ge, ...op.v128And, ...op.set(e));
  // t = 1 / (1 + p |x| / sqrt 2)
  out.push(...splat(1), ...splat(1), ...op.get(x), ...op.f32x4Abs, ...splat(ERF_P * Math.SQRT1_2), ...op.f32x4Mul, ...op.f32x4Add, ...op.f32x4Div, ...op.set(t));
  // q / 2 = t P(t) e / 2
  out.push(...splat(ERF_A[4]));
  for (let i = 3; i >= 0; i--) out.push(...op.get(t), ...op.f32x4Mul, ...splat(ERF_A[i]), ...op.f32x4Add);
  out.push(...op.get(t), ...op.f32x4Mul, ...op.get(e), ...op.f32x4Mul, ...splat(0.5), ...op.f32x4Mul, ...op.set(n));
  // phi = x < 0 ? q/2 : 1 - q/2
  out.push(...op.get(n), ...splat(1), ...op.get(n), ...op.f32x4Sub, ...op.get(x), ...splat(0), ...op.f32x4Lt, ...op.v128Bitselect, ...op.set(phi));
  return out;
}

function elementwise(name: string, inputs: number, bodyFor: (ptr: (param: number) => number[]) => number[]): FunctionSpec {
  // params: the input pointers, the output pointer, bytes; local 0 after them: i
  const bytes = inputs + 1;
  const i = inputs + 2;
  const ptr = (param: number): number[] => [...op.get(param), ...op.get(i), ...op.i32Add];
  const body = [
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(bytes), ...op.i32GeU, ...op.brIf(1),
    ...bodyFor(ptr),
    ...op.get(i), ...op.i32Const(16), ...op.i32Add, ...op.set(i),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
  return { name, params: new Array<typeof i32>(inputs + 2).fill(i32), locals: [i32, ...new Array<typeof v128>(5).fill(v128)], body };
}

/** The `gelu` function: `out = x Phi(x)`. */
export function geluFunction(): FunctionSpec {
  const [X, OUT] = [0, 1];
  const [x, phi, e, t, n] = [4, 5, 6, 7, 8];
  return elementwise('gelu', 1, (ptr) => [
    ...ptr(X), ...op.v128Load, ...op.set(x),
    ...phiAndGauss(x, phi, e, t, n),
    ...ptr(OUT), ...op.get(x), ...op.get(phi), ...op.f32x4Mul, ...op.v128Store,
  ]);
}

/** The `geluGrad` function: `dx = dy (Phi(x) + x exp(-x^2 / 2) / sqrt(2 pi))`. */
export function geluGradFunction(): FunctionSpec {
  const [X, DY, DX] = [0, 1, 2];
  const [x, phi, e, t, n] = [5, 6, 7, 8, 9];
  return elementwise('geluGrad', 2, (ptr) => [
    ...ptr(X), ...op.v128Load, ...op.set(x),
    ...phiAndGauss(x, phi, e, t, n),
    ...ptr(DX),
    ...op.get(phi), ...op.get(x), ...op.get(e), ...op.f32x4Mul, ...splat(1 / Math.sqrt(2 * Math.PI)), ...op.f32x4Mul, ...op.f32x4Add,
    ...ptr(DY), ...op.v128Load, ...op.f32x4Mul,
    ...op.v128Store,
  ]);
}

