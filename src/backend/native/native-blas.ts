import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * The optional native product binding: `native/build/sslmem-blas.node`, built at install
 * by `scripts/build-native.mjs` against the system's CBLAS (OpenBLAS on Debian/Ubuntu).
 * Where it loads, the wasm backend's matrix products (`wasm-kernels/gemm.ts`, the filter
 * gradient of `conv-gemm.ts`) call its `sgemm` on Float32Array views of the wasm heap, in
 * place; elsewhere our WebAssembly SIMD products run as before.
 *
 * `SSLMEM_NATIVE=0` keeps the binding unloaded; `SSLMEM_NATIVE_BINDING` names another
 * `.node` file (for tests: a missing one is a machine without the binding).
 */
export interface NativeBlas {
  /**
   * For each i: `C_i = alpha op(A_i) op(B_i) + beta C_i`, row-major `m x n`, reduction
   * `k`, every operand inside `heap` at the element offsets given, rows `ld*` apart.
   * Throws a RangeError (and writes nothing) when a range leaves `heap`.
   */
  sgemmBatch(
    heap: Float32Array, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    aOffsets: Int32Array, lda: number, bOffsets: Int32Array, ldb: number, beta: number, cOffsets: Int32Array, ldc: number,
  ): void;
  /**
   * A stride-1 convolution on a zero-padded pixel grid (`wasm-kernels/conv-gemm.ts`), chunk of
   * `chunk` cells after chunk: the chunk's im2row matrix `[rows, kh*kw*ci]` (tap (a, e) of
   * cell q is grid cell q + a*wp + e, cells `cellStride` floats apart) is written at
   * `scratchAt`, then one `sgemm`: forward, `io[cells, co] = im2row x filter[kh*kw*ci, co]`;
   * `filterGrad`, `filter = sum over chunks of im2row^T x io[chunk]`. Offsets in floats of
   * `heap`; throws a RangeError (and writes nothing) when a range leaves it. Absent from
   * bindings built before it existed (the caller then runs a product per tap).
   */
  convGrid?(
    heap: Float32Array, filterGrad: boolean, gridAt: number, cellStride: number, ci: number, wp: number, kh: number, kw: number,
    cells: number, filterAt: number, co: number, ioAt: number, scratchAt: number, chunk: number,
  ): void;
  /**
   * Training-mode batch norm of rows `x [n, c]`, sums in double; `at` holds element offsets
   * into `heap`: op 0 `[x, mean, variance]` (statistics, variance biased); op 1
   * `[x, mean, variance, gamma, beta, y]` (forward); op 2
   * `[x, mean, variance, gamma, dy, dx, dgamma, dbeta]` (gradient). Throws a RangeError (and
   * writes nothing) when a range leaves the heap. Absent from bindings built before it.
   */
  batchNorm?(heap: Float32Array, op: 0 | 1 | 2, n: number, c: number, epsilon: number, at: Int32Array): void;
  /**
   * For every index vector i of `dims` (row-major): `heap[dstAt + flat(i)] = heap[srcAt +
   * sum_d i[d] srcStrides[d]]`, 4-byte elements copied as bits (strides >= 0, 1 to 16 axes).
   * Throws a RangeError (and writes nothing) when a range leaves the heap. Absent from
   * bindings built before it.
   */
  stridedCopy?(heap: Float32Array, srcAt: number, dstAt: number, dims: Int32Array, srcStrides: Int32Array): void;
  /**
   * The exact GELU of our SIMD kernel (`simd/gelu-simd.ts`), the same float32 operations in
   * the same order, hence the same bits: op 0, `at = [x, out]`, `out = x Phi(x)`; op 1,
   * `at = [x, dy, dx]`, `dx = dy (Phi(x) + x exp(-x^2 / 2) / sqrt(2 pi))`; `n` floats each
   * at element offsets into `heap`. Throws a RangeError (and writes nothing) when a range
   * leaves the heap. Absent from bindings built before it.
   */
  gelu?(heap: Float32Array, op: 0 | 1, n: number, at: Int32Array): void;
  /**
   * The wasm backend's `Exp` kernel with the same bits for every float (its double-precision
   * table-and-cubic arithmetic, eight values at a time with AVX2): `n` floats at element
   * offset `xAt` into `heap`, their exponentials at `outAt` (the same range, or one that does
   * not overlap it). Throws a RangeError (and writes nothing) when a range leaves the heap.
   * Absent from bindings built before it.
   */
  exp?(heap: Float32Array, n: number, xAt: number, outAt: number): void;
  /**
   * The moving-average update of BYOL's and DINO's targets with the float32 operations of
   * `t * m + o * (1 - m)` by the Multiply and Add kernels (the same bits): for each variable
   * v of `sizes[v]` floats, `at[3v .. 3v + 2]` are the element offsets of the target, the
   * online values and the output. `momentum` and `complement` are float32 values (the ops'
   * scalars). RangeError (nothing written) when a range leaves the heap. Absent from bindings
   * built before it.
   */
  ema?(heap: Float32Array, momentum: number, complement: number, sizes: Int32Array, at: Int32Array): void;
  /**
   * Adam's update with the float32 operations of our SIMD `adam` function in their order (the
   * same bits): `at = [param, grad, m, v, outParam, outM, outV]`, `n` floats each at element
   * offsets into `heap` (ranges the same or disjoint); `scalars` are that function's nine
   * float32 values `[beta1, 1 - beta1, beta2, 1 - beta2, stepSize, vScale, epsilon, shrink,
   * l2]`. RangeError (nothing written) when a range leaves the heap. Absent from bindings built before it.
   */
  adam?(heap: Float32Array, n: number, at: Int32Array, scalars: Float64Array): void;
  /**
   * Layer norm over the last axis of rows `x [rows, c]` with the float32 operations of
   * `encoders/layer-norm.ts`'s ops and of their gradients in their order (the same bits): op 0,
   * `at = [x, gamma, beta, y, centered, ve, rs, normed]` (`ve`, `rs` one per row), `epsilon` a
   * float32 value; op 1, `at = [dy, gamma, centered, rs, normed, powv, dx, dGamma, dBeta]`
   * (`powv = ve^1.5` by the shipped Pow kernel). Element offsets into `heap`; RangeError
   * (nothing written) when a range leaves it or an output overlaps an operand. Absent from
   * bindings built before it.
   */
  layerNorm?(heap: Float32Array, op: 0 | 1, rows: number, c: number, epsilon: number, at: Int32Array): void;
  /**
   * Training-mode batch norm of dense rows `x [n, c]` with the float32 operations of
   * `encoders/batch-norm.ts`'s ops in their order (the same bits): op 0, scalars `[epsilon,
   * momentum, 1 - momentum, (1 - momentum) n / (n - 1), 1 / n]`, `at = [x, gamma, beta,
   * movingMean, movingVariance, y, centered, invStd, newMean, newVariance]`; op 1, scalars
   * `[n]`, `at = [dy, centered, invStd, gamma, dx, dGamma, dBeta]`. Element offsets into
   * `heap`; RangeError (nothing written) when a range leaves it. Absent from bindings built
   * before it.
   */
  denseBatchNorm?(heap: Float32Array, op: 0 | 1, n: number, c: number, scalars: Float64Array, at: Int32Array): void;
  /**
   * Rows of `x [rows, d]` scaled to unit L2 norm with the float32 operations of
   * `losses/l2-normalize.ts`'s ops in their order (the same bits): op 0, `at = [x, out]`,
   * `out = x / sqrt(max(sum x^2, 1e-24))`; op 1, `at = [x, dy, dx]`, the gradient the tape
   * builds from the ops'. Element offsets into `heap`; RangeError (nothing written) when a
   * range leaves it. Absent from bindings built before it.
   */
  l2norm?(heap: Float32Array, op: 0 | 1, rows: number, d: number, at: Int32Array): void;
  /**
   * The negative cosine similarity of paired rows of `p`, `z [n, d]` with the float32
   * operations of `losses/negative-cosine.ts`'s ops in their order (the same bits): op 0,
   * `at = [p, z, out]`, `out[0] = -mean_i (p_i . z_i) / (|p_i| |z_i|)`; op 1, `at = [p, z, dy,
   * dp, dz]`, the gradient the tape builds from the ops' for the loss's gradient `dy[0]`.
   * Element offsets into `heap`; RangeError (nothing written) when a range leaves it. Absent
   * from bindings built before it.
   */
  negcos?(heap: Float32Array, op: 0 | 1, n: number, d: number, at: Int32Array): void;
  /**
   * For `x` at `xAt` seen as `[outer, rows, inner]`: `out[o, c] = scale * (sum over blocks of
   * `block` rows of the block's float32 column sum)`, the block sums added in double, rounded
   * to float once; written at `outAt` (`[outer, inner]`). The arithmetic of our SIMD column
   * sums, hence the same bits. RangeError (nothing written) when a range leaves the heap.
   * Absent from bindings built before it.
   */
  columnSums?(heap: Float32Array, xAt: number, outer: number, rows: number, inner: number, block: number, scale: number, outAt: number): void;
  /**
   * `out[r] = x[r, 0] + ... + x[r, n-1]` in float32 in that order (divided by `n` in float32
   * where `mean`), for `rows` rows of `x` at `xAt`, to `outAt`: the arithmetic of the shipped
   * Sum and Mean over the innermost axes, hence the same bits. RangeError (nothing written)
   * when a range leaves the heap or the output overlaps the input. Absent from bindings built before it.
   */
  rowSums?(heap: Float32Array, xAt: number, rows: number, n: number, mean: boolean, outAt: number): void;
  /**
   * The bilinear affine warp of `augment/warp-bilinear.ts`, the same double arithmetic (the
   * same bits): images `selected` of `src` (`[batch, height, width, channels]`, not the heap)
   * resampled into `out` through 6 finite `coefficients` each; mode 0 constant (`fillValue`),
   * 1 reflect, 2 wrap, 3 nearest. RangeError (nothing written) for an image past the arrays,
   * a bad mode or count, or a coefficient that is not finite. Absent from bindings built before it.
   */
  warp?(src: Float32Array, out: Float32Array, height: number, width: number, channels: number, selected: Int32Array, coefficients: Float64Array, mode: number, fillValue: number): void;
  /**
   * The pairs of uniforms of the polar method in `augment/gaussian-noise.ts`, drawn from the
   * sfc32 generator of `util/rng.ts` whose state (a, b, c, d) is `state` (advanced in place):
   * pair p, redrawn while `u^2 + v^2` is 0 or >= 1, puts u and v at `uv[2p]`, `uv[2p + 1]` and
   * at `s[p]` `u^2 + v^2`, or where `factors` `sqrt(-2 ln(u^2 + v^2) / (u^2 + v^2))` with the
   * engine's logarithm (see `engineLog`; an Error where there is none), for `s.length` pairs;
   * the same operations, hence the same bits. RangeError (nothing written) unless `state` has
   * 4 values and `uv` twice as many as `s`. Absent from bindings built before it.
   */
  normalPairs?(state: Int32Array, uv: Float64Array, s: Float64Array, factors: boolean): void;
  /**
   * `out.length` draws of N(0, std^2) into `out` (not the heap) from the sfc32 state `state`
   * (advanced in place past `ceil(out.length / 2)` pairs): the pairs and factors of
   * `normalPairs` with the engine's logarithm, then `u f`, `v f` with `f = std * factor` in
   * double, rounded to float32 once (the bits of `normalDraws` in train/clip-and-noise.ts).
   * RangeError unless `state` has 4 values; an Error where the process has no engine
   * logarithm. Absent from bindings built before it.
   */
  normalDraws?(state: Int32Array, out: Float32Array, std: number): void;
  /**
   * `x[i] = ln x[i]` in place with V8's own logarithm (what `Math.log` computes), found in the
   * running process; false, nothing written, where it is not there. Absent from bindings
   * built before it.
   */
  engineLog?(x: Float64Array): boolean;
  /**
   * `out = src + std * normal`, clipped to [0, 1] where `clip`, in double and rounded to float
   * once, for the images `selected` of `size` values (not the heap): image k's value j takes
   * the normal `uv[2p + j % 2] * factors[p]`, p = k ceil(size / 2) + floor(j / 2). RangeError
   * (nothing written) for an image past the arrays or counts that do not match. Absent from
   * bindings built before it.
   */
  addNoise?(src: Float32Array, out: Float32Array, selected: Int32Array, size: number, std: number, clip: boolean, uv: Float64Array, factors: Float64Array): void;
  /**
   * `out[outAt + flat(i)] = a[aAt + i . aStrides] op b[bAt + i . bStrides]` for every index
   * vector i of `dims` (1 to 8 axes, strides >= 0), op 0 add, 1 subtract, 2 multiply,
   * 3 divide, float32 (IEEE-rounded, the same bits as any other float32 kernel). RangeError
   * (nothing written) when a range leaves the heap. Absent from bindings built before it.
   */
  binary?(heap: Float32Array, op: 0 | 1 | 2 | 3, dims: Int32Array, aAt: number, aStrides: Int32Array, bAt: number, bStrides: Int32Array, outAt: number): void;
  /**
   * Sets the BLAS's threads (OpenBLAS; elsewhere the BLAS keeps its own) and, at 2 or more, lets
   * the binding's own kernels share large calls with its helper thread (the same bits); returns
   * the BLAS's count in force.
   */
  setThreads(threads: number): number;
  /** The linked BLAS: `name`, and for OpenBLAS its `config` line, `core` and `threads`. */
  info(): { name: string; config?: string; core?: string; threads?: number };
}

/** What was loaded, or why nothing was. */
interface Loaded {
  readonly blas: NativeBlas | null;
  readonly reason: string;
  /** e.g. `OpenBLAS 0.3.21 (SkylakeX)`. */
  readonly label: string;
  /** For run keys: name, version and core, e.g. `OpenBLAS 0.3.21 SkylakeX`. */
  readonly arithmetic: string;
}

let loaded: Loaded | undefined;
let enabled = true;

/** The binding's default place: `native/build/` at the package root (from src/ and dist/ alike). */
export function defaultBindingPath(): string {
  return path.join(__dirname, '..', '..', '..', 'native', 'build', 'sslmem-blas.node');
}

/**
 * OpenBLAS releases pick their kernels by CPU model and fall back to the generic SSE3
 * ("Prescott") kernels, several times slower than ours, on models they predate. Where the
 * environment does not name a core (`OPENBLAS_CORETYPE`), the core is chosen here from
 * the CPU's flags: `SkylakeX` with AVX-512 (F, BW, DQ, VL), else `Haswell` with AVX2 and
 * FMA; otherwise OpenBLAS decides. The variable is set only while OpenBLAS loads (it reads it
 * then), and only from the main thread, whose environment is the process's.
 */
function chooseOpenBlasCore(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OPENBLAS_CORETYPE !== undefined || process.platform !== 'linux' || process.arch !== 'x64' || !isMainThread) return undefined;
  let flags: Set<string>;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    if (line === undefined) return undefined;
    flags = new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/));
  } catch {
    return undefined;
  }
  const core = ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f))
    ? 'SkylakeX'
    : flags.has('avx2') && flags.has('fma')
      ? 'Haswell'
      : undefined;
  if (core !== undefined) env.OPENBLAS_CORETYPE = core;
  return core;
}

function load(env: NodeJS.ProcessEnv = process.env): Loaded {
  if (env.SSLMEM_NATIVE === '0') return { blas: null, reason: 'SSLMEM_NATIVE=0', label: '', arithmetic: '' };
  const file = env.SSLMEM_NATIVE_BINDING ?? defaultBindingPath();
  if (!existsSync(file)) {
    return { blas: null, reason: `no native binding at ${file} (built at install where a C compiler and libopenblas-dev are present: npm run build:native)`, label: '', arithmetic: '' };
  }
  const chosen = chooseOpenBlasCore(env);
  try {
    const module = { exports: {} as NativeBlas };
    try {
      process.dlopen(module, file);
    } finally {
      // OpenBLAS has read it while loading; child processes (e.g. another program's
      // OpenBLAS) keep the environment they were given.
      if (chosen !== undefined) delete env.OPENBLAS_CORETYPE;
    }
    // A plain copy of the addon's (read-only) functions.
    const blas: NativeBlas = { ...module.exports };
    blas.setThreads(1);
    const info = blas.info();
    const version = /OpenBLAS\s+(\S+)/.exec(info.config ?? '')?.[1];
    const core = info.core !== undefined && info.core !== '' ? ` (${info.core}${chosen !== undefined ? ', chosen by sslmem from the CPU flags' : ''})` : '';
    const name = `${info.name}${version !== undefined ? ` ${version}` : ''}`;
    return { blas, reason: '', label: `${name}${core}`, arithmetic: info.core !== undefined && info.core !== '' ? `${name} ${info.core}` : name };
  } catch (error) {
    return { blas: null, reason: `the native binding ${file} failed to load (${(error as Error).message.split('\n')[0]})`, label: '', arithmetic: '' };
  }
}

/** The binding, loaded on first use; null where it is absent, disabled or fails to load (`nativeBlasUnavailableReason`). */
export function nativeBlas(): NativeBlas | null {
  loaded ??= load();
  return loaded.blas;
}

/** Why `nativeBlas()` is null (null when it is not). */
export function nativeBlasUnavailableReason(): string | null {
  loaded ??= load();
  return loaded.blas === null ? loaded.reason : null;
}

/** The BLAS behind the binding, e.g. `OpenBLAS 0.3.21 (SkylakeX)`; null without one. */
export function nativeBlasLabel(): string | null {
  loaded ??= load();
  return loaded.blas === null ? null : loaded.label;
}

/**
 * What products compute with, for run keys (`OpenBLAS 0.3.21 SkylakeX`, and `on 2 threads`
 * where the BLAS runs on more than one: OpenBLAS shares a product out differently then, and its
 * results differ in the last bits from one thread's); null without the binding.
 */
export function nativeBlasArithmetic(): string | null {
  loaded ??= load();
  if (loaded.blas === null) return null;
  const threads = loaded.blas.info().threads ?? 1;
  return threads > 1 ? `${loaded.arithmetic} on ${threads} threads` : loaded.arithmetic;
}

/**
 * One clause naming which products run, for `describeBackend`: the BLAS through the
 * native binding, or our SIMD products and why not the binding.
 */
export function productsClause(): string {
  const label = nativeBlasLabel();
  if (label === null) return `products: our SIMD products (${nativeBlasUnavailableReason() ?? 'no native binding'})`;
  return enabled ? `products: ${label} through the native binding` : `products: our SIMD products (native binding switched off; ${label} available)`;
}

/**
 * The binding when products should use it: loaded and not switched off by
 * `useNativeProducts(false)`; else null and our SIMD products run.
 */
export function nativeProducts(): NativeBlas | null {
  return enabled ? nativeBlas() : null;
}

/**
 * Chooses the native products (the default where the binding loads) or our SIMD ones;
 * returns the previous choice. For tests and benchmarks that compare the two in one process.
 */
export function useNativeProducts(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Sets the BLAS's threads for this process (one per training worker); no-op without the binding. */
export function setNativeThreads(threads: number): void {
  nativeBlas()?.setThreads(threads);
}
