/**
 * `log(erfc(x))` for any real x without underflow: Numerical Recipes' Chebyshev fit
 * `erfc(x) = t exp(-x^2 + P(t))`, `t = 1 / (1 + x / 2)` (relative error below 1.2e-7 for
 * x >= 0, also far in the tail, where `erfc` itself underflows), and `erfc(x) = 2 -
 * erfc(-x)` for x < 0.
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}
