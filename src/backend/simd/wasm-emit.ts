/**
 * A minimal WebAssembly binary writer: just enough to build small SIMD functions that run
 * on the wasm backend's own memory (imported as `env.memory`). Opcodes follow the
 * WebAssembly 2.0 specification (core and fixed-width SIMD). No dependencies, no text
 * format: a function body is an array of bytes made with `op`.
 */

/** Value types. */
export const i32 = 0x7f;
export const f32 = 0x7d;
export const v128 = 0x7b;
export type ValueType = typeof i32 | typeof f32 | typeof v128;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** Instructions used by our kernels. */
export const op = {
  block: [0x02, 0x40],
  /** `if` (no result) on the i32 on the stack; close with `end`, optionally after `else`. */
  if: [0x04, 0x40],
  else: [0x05],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (index: number) => [0x20, ...uleb(index)],
  set: (index: number) => [0x21, ...uleb(index)],
  tee: (index: number) => [0x22, ...uleb(index)],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Or: [0x72],
  i32GeU: [0x4f],
  i32Eq: [0x46],
  i32LtU: [0x49],
  i32DivU: [0x6e],
  /** `select`: the first of two i32 values if the condition on top is non-zero, else the second. */
  select: [0x1b],
  call: (index: number) => [0x10, ...uleb(index)],
  f32Const: (value: number) => [0x43, ...new Uint8Array(new Float32Array([value]).buffer)],
  /** `v128.load` at the i32 address on the stack (alignment hint 16 bytes). */
  v128Load: [0xfd, 0x00, 0x04, 0x00],
  /** `v128.store` of the vector on top to the i32 address below it. */
  v128Store: [0xfd, 0x0b, 0x04, 0x00],
  /** `v128.load` at the address on the stack plus a constant byte offset. */
  v128LoadAt: (offset: number) => [0xfd, 0x00, 0x04, ...uleb(offset)],
  /** `v128.store` at the address below the vector plus a constant byte offset. */
  v128StoreAt: (offset: number) => [0xfd, 0x0b, 0x04, ...uleb(offset)],
  /** `v128.load32_splat`: one float at the address plus a constant byte offset, in all 4 lanes. */
  load32SplatAt: (offset: number) => [0xfd, 0x09, 0x02, ...uleb(offset)],
  /** `i8x16.shuffle` of the two vectors on the stack, given as 4-byte (32-bit) lanes 0-7. */
  shuffle32: (lanes: readonly [number, number, number, number]) => [0xfd, ...uleb(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4Lt: [0xfd, ...uleb(0x43)],
  f32x4Ge: [0xfd, ...uleb(0x46)],
  f32x4Gt: [0xfd, ...uleb(0x44)],
  f32x4Abs: [0xfd, ...uleb(0xe0)],
  f32x4Max: [0xfd, ...uleb(0xe9)],
  f32x4Nearest: [0xfd, ...uleb(0x6a)],
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  /** `i32x4.shl` of the vector below by the i32 on top. */
  i32x4Shl: [0xfd, ...uleb(0xab)],
  i32x4TruncSatF32x4S: [0xfd, ...uleb(0xf8)],
  v128And: [0xfd, ...uleb(0x4e)],
  /** `a & ~b` for `a` below `b` on the stack. */
  v128AndNot: [0xfd, ...uleb(0x4f)],
  /** `(a & mask) | (b & ~mask)` for `a`, `b`, `mask` in stack order. */
  v128Bitselect: [0xfd, ...uleb(0x52)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  /** Relaxed SIMD `f32x4.relaxed_madd`: `a * b + c` for `a`, `b`, `c` in stack order (fused where the CPU has FMA). */
  f32x4RelaxedMadd: [0xfd, ...uleb(0x105)],
} as const;

/** One exported function of a module. */
export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ValueType[];
  /** Extra locals after the parameters, in order. */
  readonly locals: readonly ValueType[];
  readonly body: readonly number[];
}

/**
 * A module importing `env.memory` (shared or not, as the backend's memory is) and
 * exporting `functions`, none of which returns a value.
 */
export function emitModule(functions: readonly FunctionSpec[], sharedMemory: boolean): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0x00]);
  // Memory limits: min 1 page; a shared memory must state a maximum (4 GiB covers any).
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const funcs = vec(functions.map((_, i) => uleb(i)));
  // Not `exports`: tsc's CommonJS output names this module's own exports `exports`.
  const exportSection = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const codes = vec(
    functions.map((f) => {
      const locals = vec(f.locals.map((t) => [1, t]));
      const body = [...locals, ...f.body, ...op.end];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exportSection),
    ...section(10, codes),
  ]);
}
