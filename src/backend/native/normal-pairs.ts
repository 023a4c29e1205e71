import { rngState, setRngState, type Rng } from '../../util/rng';
import { nativeProducts } from './native-blas';

/** Pairs per call of the binding: bounds the scratch of a caller that draws in chunks (about 3 MB). */
export const normalPairsPerChunk = 1 << 17;

/** The pairs' arrays, kept between calls: fresh ones of megabytes cost more in page faults than the draws. */
let scratch = { uv: new Float64Array(0), s: new Float64Array(0) };

/**
 * `count` (at most `normalPairsPerChunk`) accepted pairs of Marsaglia's polar method drawn
 * from `rng` by the native binding: u and v are `2 (t / 2^32) - 1` of two draws `t`, redrawn
 * while `s = u^2 + v^2` is 0 or >= 1; pair p is `uv[2p], uv[2p + 1]` and `s[p]`, in arrays
 * that the next call overwrites. `rng` moves on past the draws, exactly as drawing them in
 * JavaScript would move it (the same stream, the same bits). The factor `sqrt(-2 ln s / s)`
 * is the caller's, with JavaScript's `Math.log`. Null where the binding is not in use or
 * lacks `normalPairs`, or `rng` is not a generator of `createRng`.
 */
export function nativeNormalPairs(rng: Rng, count: number): { uv: Float64Array; s: Float64Array } | null {
  if (!(Number.isInteger(count) && count >= 0 && count <= normalPairsPerChunk)) throw new RangeError(`nativeNormalPairs: expected 0 to ${normalPairsPerChunk} pairs, found ${count}`);
  const draw = nativeProducts()?.normalPairs;
  const state = rngState(rng);
  if (draw === undefined || state === undefined) return null;
  if (scratch.s.length < count) scratch = { uv: new Float64Array(2 * normalPairsPerChunk), s: new Float64Array(normalPairsPerChunk) };
  const uv = scratch.uv.subarray(0, 2 * count);
  const s = scratch.s.subarray(0, count);
  draw(state, uv, s);
  setRngState(rng, state);
  return { uv, s };
}
