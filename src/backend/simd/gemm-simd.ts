import { i32, op, v128, type FunctionSpec } from './wasm-emit';

/**
 * The inner loops of our matrix product (see `wasm-kernels/gemm.ts`) in WebAssembly SIMD.
 *
 * Operands are first packed: A into panels of 4 rows, `Ap[p][k][r] = A[4p + r, k]`, and B
 * into blocks of 8 columns, `Bp[q][k][c] = B[k, 8q + c]`, so that the product streams both
 * contiguously (unpacked rows a power of two apart would fight over the same cache sets).
 * `gemmTiles` then computes, for one panel of A and blocks `q0 .. q1 - 1` of B, the 4 x 8
 * tiles of C over `k` steps, each from 8 accumulators held in registers: per step, 4
 * broadcasts of A and 2 loads of B feed 8 four-lane multiply-adds. (6 x 8 tiles need 15
 * vector registers and measured 15% slower here: V8 keeps one of x64's 16 for itself.)
 * `ap` and `bp` may point inside the panels (a chunk of k), hence the block stride.
 */
export type GemmTilesSimd = (
  ap: number, bp: number, c: number, k: number, q0: number, q1: number, ldC: number,
  /** Bytes from one packed block of B to the next. */
  blockStride: number,
  /** Non-zero: add to C instead of overwriting it (the later chunks of a long k). */
  accumulate: number,
) => void;

/** Copies `k` rows of 16 bytes (4 floats, stride `ld` bytes) from `src` into `dst` back to back. */
export type Pack4Simd = (src: number, dst: number, k: number, ld: number) => void;

/** Copies `k` rows of 32 bytes (8 floats, stride `ld` bytes) from `src` into `dst` back to back. */
export type Pack8Simd = (src: number, dst: number, k: number, ld: number) => void;

/** Rows of a panel of A, columns of a block of B. */
export const PANEL_ROWS = 4;
export const BLOCK_COLS = 8;

/**
 * The `gemmTiles` function; `fma` uses relaxed SIMD's fused multiply-add (one rounding,
 * twice the arithmetic throughput) instead of a multiply and an add.
 */
export function gemmTilesFunction(fma: boolean): FunctionSpec {
  const [AP, BP, C, K, Q0, Q1, LD_C, STRIDE, ACCUMULATE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [Q, PA, PB, KK, CQ] = [9, 10, 11, 12, 13];
  const [B0, B1, SPLAT] = [14, 15, 16];
  const ACC = 17;
  const acc = (r: number, half: number): number => ACC + 2 * r + half;
  const body: number[] = [
    ...op.get(Q0), ...op.set(Q),
    ...op.block, ...op.loop,
    ...op.get(Q), ...op.get(Q1), ...op.i32GeU, ...op.brIf(1),
    // pb: block q; cq: the tile's first row in C (columns from 32 q bytes)
    ...op.get(BP), ...op.get(Q), ...op.get(STRIDE), ...op.i32Mul, ...op.i32Add, ...op.set(PB),
    ...op.get(C), ...op.get(Q), ...op.i32Const(32), ...op.i32Mul, ...op.i32Add, ...op.set(CQ),
    ...op.get(ACCUMULATE), ...op.if,
  ];
  for (let r = 0; r < PANEL_ROWS; r++) {
    for (let h = 0; h < 2; h++) body.push(...op.get(CQ), ...op.v128LoadAt(16 * h), ...op.set(acc(r, h)));
    if (r < PANEL_ROWS - 1) body.push(...op.get(CQ), ...op.get(LD_C), ...op.i32Add, ...op.set(CQ));
  }
  body.push(...op.else);
  for (let r = 0; r < PANEL_ROWS; r++) {
    for (let h = 0; h < 2; h++) body.push(...op.f32Const(0), ...op.f32x4Splat, ...op.set(acc(r, h)));
  }
  body.push(...op.end);
  body.push(...op.get(AP), ...op.set(PA), ...op.get(K), ...op.set(KK), ...op.loop);
  body.push(...op.get(PB), ...op.v128LoadAt(0), ...op.set(B0), ...op.get(PB), ...op.v128LoadAt(16), ...op.set(B1));
  const update = (target: number, vector: number): number[] =>
    fma
      ? [...op.get(SPLAT), ...op.get(vector), ...op.get(target), ...op.f32x4RelaxedMadd, ...op.set(target)]
      : [...op.get(target), ...op.get(SPLAT), ...op.get(vector), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(target)];
  for (let r = 0; r < PANEL_ROWS; r++) {
    body.push(...op.get(PA), ...op.load32SplatAt(4 * r), ...op.set(SPLAT), ...update(acc(r, 0), B0), ...update(acc(r, 1), B1));
  }
  body.push(
    ...op.get(PA), ...op.i32Const(4 * PANEL_ROWS), ...op.i32Add, ...op.set(PA),
    ...op.get(PB), ...op.i32Const(4 * BLOCK_COLS), ...op.i32Add, ...op.set(PB),
    ...op.get(KK), ...op.i32Const(1), ...op.i32Sub, ...op.tee(KK), ...op.brIf(0),
    ...op.end,
    ...op.get(C), ...op.get(Q), ...op.i32Const(32), ...op.i32Mul, ...op.i32Add, ...op.set(CQ),
  );
  for (let r = 0; r < PANEL_ROWS; r++) {
    body.push(...op.get(CQ), ...op.get(acc(r, 0)), ...op.v128StoreAt(0));
    body.push(...op.get(CQ), ...op.get(acc(r, 1)), ...op.v128StoreAt(16));
    if (r < PANEL_ROWS - 1) body.push(...op.get(CQ), ...op.get(LD_C), ...op.i32Add, ...op.set(CQ));
  }
  body.push(
    ...op.get(Q), ...op.i32Const(1), ...op.i32Add, ...op.set(Q),
    ...op.br(0),
    ...op.end, ...op.end,
  );
  return {
    name: 'gemmTiles',
    params: [i32, i32, i32, i32, i32, i32, i32, i32, i32],
    locals: [i32, i32, i32, i32, i32, v128, v128, v128, ...new Array<typeof v128>(2 * PANEL_ROWS).fill(v128)],
    body,
  };
}

function packFunction(name: string, bytes: 16 | 32): FunctionSpec {
  const [SRC, DST, K, LD] = [0, 1, 2, 3];
  const copy =
    bytes === 32
      ? [
          ...op.get(DST), ...op.get(SRC), ...op.v128LoadAt(0), ...op.v128StoreAt(0),
          ...op.get(DST), ...op.get(SRC), ...op.v128LoadAt(16), ...op.v128StoreAt(16),
        ]
      : [...op.get(DST), ...op.get(SRC), ...op.v128LoadAt(0), ...op.v128StoreAt(0)];
  const body = [
    ...op.block, ...op.loop,
    ...op.get(K), ...op.i32Const(0), ...op.i32Eq, ...op.brIf(1),
    ...copy,
    ...op.get(SRC), ...op.get(LD), ...op.i32Add, ...op.set(SRC),
    ...op.get(DST), ...op.i32Const(bytes), ...op.i32Add, ...op.set(DST),
    ...op.get(K), ...op.i32Const(1), ...op.i32Sub, ...op.set(K),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
  return { name, params: [i32, i32, i32, i32], locals: [], body };
}

/** The `pack4` function (rows of a panel of A). */
export function pack4Function(): FunctionSpec {
  return packFunction('pack4', 16);
}

/** The `pack8` function (rows of a block of B). */
export function pack8Function(): FunctionSpec {
  return packFunction('pack8', 32);
}

/** Steps of k per chunk: a panel of A and the blocks of B in use stay in cache. */
const K_CHUNK = 256;
/** Packed B per chunk of blocks, in bytes (about half of a 512 KiB L2). */
const B_CHUNK_BYTES = 256 * 1024;

/**
 * Panels `p0 .. p1 - 1` of C from packed `ap` (all panels, `k` steps each) and `bp` (all
 * `blocks`): chunks of `K_CHUNK` steps of k, in each chunk groups of blocks whose packed
 * B stays in cache, in each group every panel (`gemmTiles`, the function at `tilesIndex`).
 * (A range of panels is a range of rows of C: callers may split a product by panels.)
 */
export type GemmRangeSimd = (
  ap: number, bp: number, c: number, k: number, p0: number, p1: number, blocks: number, ldC: number,
  /** Non-zero: add to C from the first step of k on (a product split over calls). */
  accumulate: number,
) => void;

/** The `gemmRange` function; `tilesIndex` is the module index of `gemmTiles`. */
export function gemmRangeFunction(tilesIndex: number): FunctionSpec {
  const [AP, BP, C, K, P0, P1, BLOCKS, LD_C, ACCUMULATE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [K0, KC, PER, Q0, Q1, P] = [9, 10, 11, 12, 13, 14];
  const body = [
    ...op.block, ...op.loop, // k0 = 0, K_CHUNK, ...
    ...op.get(K0), ...op.get(K), ...op.i32GeU, ...op.brIf(1),
    // kc = min(K_CHUNK, k - k0)
    ...op.get(K), ...op.get(K0), ...op.i32Sub, ...op.i32Const(K_CHUNK),
    ...op.get(K), ...op.get(K0), ...op.i32Sub, ...op.i32Const(K_CHUNK), ...op.i32LtU, ...op.select, ...op.set(KC),
    // blocks per group = max(1, B_CHUNK_BYTES / (kc * 32))
    ...op.i32Const(B_CHUNK_BYTES), ...op.get(KC), ...op.i32Const(4 * BLOCK_COLS), ...op.i32Mul, ...op.i32DivU, ...op.set(PER),
    ...op.i32Const(1), ...op.get(PER), ...op.get(PER), ...op.i32Const(1), ...op.i32LtU, ...op.select, ...op.set(PER),
    ...op.i32Const(0), ...op.set(Q0),
    ...op.block, ...op.loop, // groups of blocks
    ...op.get(Q0), ...op.get(BLOCKS), ...op.i32GeU, ...op.brIf(1),
    // q1 = min(blocks, q0 + per)
    ...op.get(BLOCKS), ...op.get(Q0), ...op.get(PER), ...op.i32Add,
    ...op.get(BLOCKS), ...op.get(Q0), ...op.get(PER), ...op.i32Add, ...op.i32LtU, ...op.select, ...op.set(Q1),
    ...op.get(P0), ...op.set(P),
    ...op.block, ...op.loop, // panels
    ...op.get(P), ...op.get(P1), ...op.i32GeU, ...op.brIf(1),
    // gemmTiles(ap + (p k + k0) 16, bp + k0 32, c + 4 p ldC, kc, q0, q1, ldC, 32 k, k0 > 0 or accumulate)
    ...op.get(AP), ...op.get(P), ...op.get(K), ...op.i32Mul, ...op.get(K0), ...op.i32Add, ...op.i32Const(4 * PANEL_ROWS), ...op.i32Mul, ...op.i32Add,
    ...op.get(BP), ...op.get(K0), ...op.i32Const(4 * BLOCK_COLS), ...op.i32Mul, ...op.i32Add,
    ...op.get(C), ...op.get(P), ...op.i32Const(PANEL_ROWS), ...op.i32Mul, ...op.get(LD_C), ...op.i32Mul, ...op.i32Add,
    ...op.get(KC), ...op.get(Q0), ...op.get(Q1), ...op.get(LD_C),
    ...op.get(K), ...op.i32Const(4 * BLOCK_COLS), ...op.i32Mul,
    ...op.i32Const(0), ...op.get(K0), ...op.i32LtU, ...op.get(ACCUMULATE), ...op.i32Or,
    ...op.call(tilesIndex),
    ...op.get(P), ...op.i32Const(1), ...op.i32Add, ...op.set(P),
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.get(Q1), ...op.set(Q0),
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.get(K0), ...op.i32Const(K_CHUNK), ...op.i32Add, ...op.set(K0),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
  return { name: 'gemmRange', params: [i32, i32, i32, i32, i32, i32, i32, i32, i32], locals: [i32, i32, i32, i32, i32, i32], body };
}
