/**
 * Logarithms of the gamma and beta functions, accurate to about 1e-15 relative for the
 * arguments that the t and F distributions need (positive reals).
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Lanczos approximation, g = 7, nine coefficients (Godfrey's table).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Stirling series remainder: lnGamma(z) - [(z - 1/2) ln z - z + ln sqrt(2 pi)], for z >= 10. */
function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
}

/** ln Gamma(z) for z > 0 (NaN for z <= 0 or NaN). */
export function logGamma(z: number): number {
  if (!(z > 0)) return Number.NaN;
  if (z === Infinity) return Infinity;
  if (z >= 10) return (z - 0.5) * Math.log(z) - z + LOG_SQRT_2PI + stirlingCorrection(z);
  if (z < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  }
  const x = z - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (x + i);
  const t = x + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b) for a, b > 0. For a large
 * argument the difference ln Gamma(big) - ln Gamma(big + small) is formed without
 * cancellation (Stirling), so that e.g. B(5000, 0.5) keeps its precision.
 */
export function logBeta(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) return Number.NaN;
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const sum = big + small;
  // ln Gamma(big) - ln Gamma(big + small), from Stirling's formula for both.
  const diff =
    -(big - 0.5) * Math.log1p(small / big) - small * Math.log(sum) + small + stirlingCorrection(big) - stirlingCorrection(sum);
  return logGamma(small) + diff;
}
