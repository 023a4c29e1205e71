import { i32, op, v128, type FunctionSpec } from './wasm-emit';

/**
 * `MaxPoolGrad` for 2x2 windows with stride 2 and no padding, one output row per call, 4
 * channels per step: per channel, the first of the window's four cells (row-major) that
 * holds its maximum gets `dy`, the other three 0; no cell gets it when the maximum is not
 * above -Infinity (all -Infinity or NaN), as in TensorFlow. Byte offsets: `x` and `out`
 * at the window row's first cell, `dy` at the output row's first cell; `channelBytes` is a
 * multiple of 16; `downBytes` is one input row.
 */
export type MaxPoolGrad2x2RowSimd = (x: number, dy: number, out: number, outWidth: number, channelBytes: number, downBytes: number) => void;

const [X, DY, OUT, WO, CB, DOWN] = [0, 1, 2, 3, 4, 5];
const [K, XO] = [6, 7];
const [V0, V1, V2, V3, T1, B1, TOP, BOT, BT, D, NEG_INF] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

/** Address `base + extra... + k` on the stack. */
function addr(base: number, ...extra: number[]): number[] {
  const out = [...op.get(base)];
  for (const e of extra) out.push(...op.get(e), ...op.i32Add);
  out.push(...op.get(K), ...op.i32Add);
  return out;
}

/** The `maxPoolGrad2x2Row` function of the SIMD module. */
export function maxPoolGrad2x2RowFunction(): FunctionSpec {
  const body = [
    ...op.f32Const(-Infinity), ...op.f32x4Splat, ...op.set(NEG_INF),
    ...op.block, ...op.loop,
    ...op.get(XO), ...op.get(WO), ...op.i32GeU, ...op.brIf(1),
    ...op.i32Const(0), ...op.set(K),
    ...op.block, ...op.loop,
    ...op.get(K), ...op.get(CB), ...op.i32GeU, ...op.brIf(1),
    ...addr(X), ...op.v128Load, ...op.set(V0),
    ...addr(X, CB), ...op.v128Load, ...op.set(V1),
    ...addr(X, DOWN), ...op.v128Load, ...op.set(V2),
    ...addr(X, DOWN, CB), ...op.v128Load, ...op.set(V3),
    // top = v1 > v0 ? v1 : v0 (t1 marks cell 1); bottom likewise (b1 marks cell 3)
    ...op.get(V1), ...op.get(V0), ...op.f32x4Gt, ...op.set(T1),
    ...op.get(V1), ...op.get(V0), ...op.get(T1), ...op.v128Bitselect, ...op.set(TOP),
    ...op.get(V3), ...op.get(V2), ...op.f32x4Gt, ...op.set(B1),
    ...op.get(V3), ...op.get(V2), ...op.get(B1), ...op.v128Bitselect, ...op.set(BOT),
    // bt marks the bottom pair; d = dy where the maximum is above -Infinity
    ...op.get(BOT), ...op.get(TOP), ...op.f32x4Gt, ...op.set(BT),
    ...addr(DY), ...op.v128Load,
    ...op.get(BOT), ...op.get(TOP), ...op.get(BT), ...op.v128Bitselect, ...op.get(NEG_INF), ...op.f32x4Gt,
    ...op.v128And, ...op.set(D),
    ...addr(OUT), ...op.get(D), ...op.get(BT), ...op.v128AndNot, ...op.get(T1), ...op.v128AndNot, ...op.v128Store,
    ...addr(OUT, CB), ...op.get(D), ...op.get(BT), ...op.v128AndNot, ...op.get(T1), ...op.v128And, ...op.v128Store,
    ...addr(OUT, DOWN), ...op.get(D), ...op.get(BT), ...op.v128And, ...op.get(B1), ...op.v128AndNot, ...op.v128Store,
    ...addr(OUT, DOWN, CB), ...op.get(D), ...op.get(BT), ...op.v128And, ...op.get(B1), ...op.v128And, ...op.v128Store,
    ...op.get(K), ...op.i32Const(16), ...op.i32Add, ...op.set(K),
    ...op.br(0),
    ...op.end, ...op.end,
    // next window: x and out move two cells, dy one
    ...op.get(X), ...op.get(CB), ...op.i32Add, ...op.get(CB), ...op.i32Add, ...op.set(X),
    ...op.get(OUT), ...op.get(CB), ...op.i32Add, ...op.get(CB), ...op.i32Add, ...op.set(OUT),
    ...op.get(DY), ...op.get(CB), ...op.i32Add, ...op.set(DY),
    ...op.get(XO), ...op.i32Const(1), ...op.i32Add, ...op.set(XO),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
  return {
    name: 'maxPoolGrad2x2Row',
    params: [i32, i32, i32, i32, i32, i32],
    locals: [i32, i32, ...new Array<typeof v128>(11).fill(v128)],
    body,
  };
}
