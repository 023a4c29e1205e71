import { i32, op, v128, type FunctionSpec } from './wasm-emit';

/**
 * Transpose of a `[rows, cols]` block of 32-bit values into `[cols, rows]`, in 4x4 tiles
 * (four loads, eight lane shuffles, four stores): `dst[j * dstStride + i] =
 * src[i * srcStride + j]`. `src` and `dst` are byte offsets, strides count elements;
 * `rows` and `cols` are multiples of 4 (the caller does the fringe).
 */
export type Transpose4Simd = (src: number, dst: number, rows: number, cols: number, srcStride: number, dstStride: number) => void;

const [SRC, DST, ROWS, COLS, SRC_STRIDE, DST_STRIDE] = [0, 1, 2, 3, 4, 5];
const [I, J, SRC_ROW, DST_ROW, P, Q] = [6, 7, 8, 9, 10, 11];
const [R0, R1, R2, R3, T0, T1, T2, T3] = [12, 13, 14, 15, 16, 17, 18, 19];

/** `base + k * stride` on the stack (k = 0..3). */
const row = (base: number, stride: number, k: number): number[] => {
  const out = [...op.get(base)];
  for (let i = 0; i < k; i++) out.push(...op.get(stride), ...op.i32Add);
  return out;
};

/** The `transpose4` function of the SIMD module. */
export function transpose4Function(): FunctionSpec {
  const lo = [0, 4, 1, 5] as const;
  const hi = [2, 6, 3, 7] as const;
  const first = [0, 1, 4, 5] as const;
  const second = [2, 3, 6, 7] as const;
  const body = [
    // byte strides of one source row and one destination row
    ...op.get(SRC_STRIDE), ...op.get(SRC_STRIDE), ...op.i32Add, ...op.set(SRC_ROW),
    ...op.get(SRC_ROW), ...op.get(SRC_ROW), ...op.i32Add, ...op.set(SRC_ROW),
    ...op.get(DST_STRIDE), ...op.get(DST_STRIDE), ...op.i32Add, ...op.set(DST_ROW),
    ...op.get(DST_ROW), ...op.get(DST_ROW), ...op.i32Add, ...op.set(DST_ROW),
    ...op.block, ...op.loop,
    ...op.get(I), ...op.get(ROWS), ...op.i32GeU, ...op.brIf(1),
    // p walks the 4 source rows from column 0, q the destination from column i
    ...op.get(SRC), ...op.set(P),
    ...op.get(DST), ...op.set(Q),
    ...op.i32Const(0), ...op.set(J),
    ...op.block, ...op.loop,
    ...op.get(J), ...op.get(COLS), ...op.i32GeU, ...op.brIf(1),
    ...row(P, SRC_ROW, 0), ...op.v128Load, ...op.set(R0),
    ...row(P, SRC_ROW, 1), ...op.v128Load, ...op.set(R1),
    ...row(P, SRC_ROW, 2), ...op.v128Load, ...op.set(R2),
    ...row(P, SRC_ROW, 3), ...op.v128Load, ...op.set(R3),
    ...op.get(R0), ...op.get(R1), ...op.shuffle32(lo), ...op.set(T0),
    ...op.get(R0), ...op.get(R1), ...op.shuffle32(hi), ...op.set(T1),
    ...op.get(R2), ...op.get(R3), ...op.shuffle32(lo), ...op.set(T2),
    ...op.get(R2), ...op.get(R3), ...op.shuffle32(hi), ...op.set(T3),
    ...row(Q, DST_ROW, 0), ...op.get(T0), ...op.get(T2), ...op.shuffle32(first), ...op.v128Store,
    ...row(Q, DST_ROW, 1), ...op.get(T0), ...op.get(T2), ...op.shuffle32(second), ...op.v128Store,
    ...row(Q, DST_ROW, 2), ...op.get(T1), ...op.get(T3), ...op.shuffle32(first), ...op.v128Store,
    ...row(Q, DST_ROW, 3), ...op.get(T1), ...op.get(T3), ...op.shuffle32(second), ...op.v128Store,
    ...op.get(P), ...op.i32Const(16), ...op.i32Add, ...op.set(P),
    ...row(Q, DST_ROW, 4), ...op.set(Q),
    ...op.get(J), ...op.i32Const(4), ...op.i32Add, ...op.set(J),
    ...op.br(0),
    ...op.end, ...op.end,
    // next 4 source rows; the destination moves 4 columns
    ...row(SRC, SRC_ROW, 4), ...op.set(SRC),
    ...op.get(DST), ...op.i32Const(16), ...op.i32Add, ...op.set(DST),
    ...op.get(I), ...op.i32Const(4), ...op.i32Add, ...op.set(I),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
  return {
    name: 'transpose4',
    params: [i32, i32, i32, i32, i32, i32],
    locals: [i32, i32, i32, i32, i32, i32, ...new Array<typeof v128>(8).fill(v128)],
    body,
  };
}
