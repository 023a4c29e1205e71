/** How a 1-D signal is resampled: box-filter area average or bilinear (half-pixel centres). */
export type ResampleMethod = 'area' | 'bilinear';

/** The resampling methods. */
export const resampleMethods: readonly ResampleMethod[] = ['area', 'bilinear'];

/**
 * Weights of resampling a line of `from` samples to `to` samples, row-major `[to, from]`:
 * output `t = sum_s weights[t * from + s] * input[s]`; every row sums to 1.
 *
 * - `area`: output `t` averages the input over the interval `[t, t + 1) * from / to`, each
 *   input sample weighted by its overlap with it (exact 2x2 means for a halving).
 * - `bilinear`: output `t` interpolates linearly at input coordinate
 *   `(t + 0.5) * from / to - 0.5`, clamped to `[0, from - 1]`; the values
 *   `tf.image.resizeBilinear(x, size, false, true)` (half-pixel centres) computes.
 */
export function resampleWeights(from: number, to: number, method: ResampleMethod): Float64Array {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) {
    throw new Error(`resampleWeights: expected positive integer sizes, found ${from} -> ${to}`);
  }
  const weights = new Float64Array(to * from);
  const scale = from / to;
  for (let t = 0; t < to; t++) {
    const row = t * from;
    if (method === 'area') {
      const lo = t * scale;
      const hi = (t + 1) * scale;
      for (let s = Math.floor(lo); s < Math.min(from, Math.ceil(hi)); s++) {
        weights[row + s] = (Math.min(hi, s + 1) - Math.max(lo, s)) / scale;
      }
    } else {
      const at = Math.min(from - 1, Math.max(0, (t + 0.5) * scale - 0.5));
      const s = Math.floor(at);
      const frac = at - s;
      weights[row + s] += 1 - frac;
      if (frac > 0) weights[row + s + 1] += frac;
    }
  }
  return weights;
}
