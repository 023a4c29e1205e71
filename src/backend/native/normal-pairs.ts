import { createRng, rngState, setRngState, type Rng } from '../../util/rng';
import { nativeProducts } from './native-blas';

/** Pairs per call: bounds the scratch of a caller that draws in chunks (about 3 MB). */
export const normalPairsPerChunk = 1 << 17;

/** The pairs' arrays, kept between calls: fresh ones of megabytes cost more in page faults than the draws. */
let scratch = { uv: new Float64Array(0), factors: new Float64Array(0) };

/** Whether the binding's logarithm (V8's own, found in the process) gave Math.log's bits on the check values; undefined before the check. */
let engineLogChecked: boolean | undefined;

/**
 * Whether the binding can take the logarithms too: it found the engine's logarithm in the
 * process and that gives `Math.log`'s bits on 65536 values (the squared radii the polar method
 * draws, and special values), checked once per thread.
 */
function engineLogAgrees(engineLog: (x: Float64Array) => boolean): boolean {
  if (engineLogChecked === undefined) {
    const values = new Float64Array(65536);
    const rng = createRng(0x5eed);
    values.set([0, -0, 1, -1, Infinity, -Infinity, NaN, 5e-324, 2.2250738585072014e-308, 1 - 2 ** -53, 1 + 2 ** -52, Math.SQRT2, Math.SQRT1_2, 1e308, 2 ** -62]);
    for (let i = 15; i < values.length; i++) values[i] = i % 2 === 0 ? (rng.next() * 2 - 1) ** 2 + (rng.next() * 2 - 1) ** 2 : rng.next() * 2 ** (rng.int(2000) - 1000);
    const expected = values.map((x) => Math.log(x));
    engineLogChecked = engineLog(values) && values.every((v, i) => Object.is(v, expected[i]));
  }
  return engineLogChecked;
}

/**
 * `count` (at most `normalPairsPerChunk`) accepted pairs of Marsaglia's polar method drawn
 * from `rng` by the native binding, with their factors: u and v are `2 (t / 2^32) - 1` of two
 * draws `t`, redrawn while `s = u^2 + v^2` is 0 or >= 1; pair p is `uv[2p], uv[2p + 1]` and its
 * factor `sqrt(-2 ln s / s)` is `factors[p]` (the normals are u and v times it), in arrays
 * that the next call overwrites. The logarithm is the engine's: the binding's where it agrees
 * with `Math.log`, else `Math.log` here. `rng` moves on past the draws, exactly as drawing
 * them in JavaScript would move it: the same stream, the same bits. Null where the binding
 * is not in use or lacks `normalPairs`, or `rng` is not a generator of `createRng`.
 */
export function nativeNormalPairs(rng: Rng, count: number): { uv: Float64Array; factors: Float64Array } | null {
  if (!(Number.isInteger(count) && count >= 0 && count <= normalPairsPerChunk)) throw new RangeError(`nativeNormalPairs: expected 0 to ${normalPairsPerChunk} pairs, found ${count}`);
  const native = nativeProducts();
  const state = rngState(rng);
  if (native?.normalPairs === undefined || state === undefined) return null;
  if (scratch.factors.length < count) scratch = { uv: new Float64Array(2 * normalPairsPerChunk), factors: new Float64Array(normalPairsPerChunk) };
  const uv = scratch.uv.subarray(0, 2 * count);
  const factors = scratch.factors.subarray(0, count);
  const inBinding = native.engineLog !== undefined && engineLogAgrees(native.engineLog);
  native.normalPairs(state, uv, factors, inBinding);
  if (!inBinding) {
    for (let p = 0; p < count; p++) {
      const s = factors[p];
      factors[p] = Math.sqrt((-2 * Math.log(s)) / s);
    }
  }
  setRngState(rng, state);
  return { uv, factors };
}

/**
 * Fills `out` with `out.length` draws of N(0, std^2) by the polar method from `rng`, all in
 * the binding (`normalDraws`): the pairs and factors of `nativeNormalPairs`, then `u f` and
 * `v f` with `f = std * factor` rounded to float32 once, as `normalDraws` in
 * train/clip-and-noise.ts computes them in JavaScript (the same stream, the same bits), and
 * `rng` moved on past `ceil(out.length / 2)` pairs. False, nothing drawn, where the binding is
 * not in use, lacks `normalDraws`, its logarithm is not the engine's, or `rng` is not a
 * generator of `createRng`.
 */
export function nativeNormalDraws(rng: Rng, out: Float32Array, std: number): boolean {
  const native = nativeProducts();
  if (native?.normalDraws === undefined || native.engineLog === undefined) return false;
  const state = rngState(rng);
  if (state === undefined || !engineLogAgrees(native.engineLog)) return false;
  native.normalDraws(state, out, std);
  setRngState(rng, state);
  return true;
}
