import { i32, op, v128, type FunctionSpec } from './wasm-emit';

/**
 * Column sums of a row-major `[rows, columns]` float32 block, 4 columns per step:
 * `out[c] += sum over r of x[r, c]`. Byte offsets; `rowBytes` (4 * columns) is a
 * multiple of 16 and `out` holds one row. Callers keep blocks short (a few hundred rows)
 * and add the partial sums in float64, so float32 rounding does not build up.
 */
export type ColumnSumSimd = (x: number, out: number, rows: number, rowBytes: number) => void;

const [X, OUT, ROWS, RB] = [0, 1, 2, 3];
const [K, R] = [4, 5];

/** The `columnSum` function of the SIMD module. */
export function columnSumFunction(): FunctionSpec {
  const body = [
    ...op.block, ...op.loop,
    ...op.get(R), ...op.get(ROWS), ...op.i32GeU, ...op.brIf(1),
    ...op.i32Const(0), ...op.set(K),
    ...op.block, ...op.loop,
    ...op.get(K), ...op.get(RB), ...op.i32GeU, ...op.brIf(1),
    // out[k] += x[k]
    ...op.get(OUT), ...op.get(K), ...op.i32Add,
    ...op.get(OUT), ...op.get(K), ...op.i32Add, ...op.v128Load,
    ...op.get(X), ...op.get(K), ...op.i32Add, ...op.v128Load,
    ...op.f32x4Add, ...op.v128Store,
    ...op.get(K), ...op.i32Const(16), ...op.i32Add, ...op.set(K),
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.get(X), ...op.get(RB), ...op.i32Add, ...op.set(X),
    ...op.get(R), ...op.i32Const(1), ...op.i32Add, ...op.set(R),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
  return { name: 'columnSum', params: [i32, i32, i32, i32], locals: [i32, i32], body };
}
