import { InputError } from '../util/errors';
import { logErfc } from './log-erfc';

/** `log(exp(a) + exp(b))`. */
function logAdd(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  return hi === -Infinity ? -Infinity : hi + Math.log1p(Math.exp(lo - hi));
}

/** `log(exp(a) - exp(b))` for a >= b. */
function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a <= b) return -Infinity;
  return a + Math.log1p(-Math.exp(b - a));
}

/** `log C(n, k)` for integer n >= k >= 0. */
function logBinomial(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** Integer order: `log sum_k C(a, k) (1 - q)^(a - k) q^k exp((k^2 - k) / (2 sigma^2))`. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  for (let k = 0; k <= alpha; k++) {
    const term = logBinomial(alpha, k) + k * Math.log(q) + (alpha - k) * Math.log1p(-q) + (k * k - k) / (2 * sigma * sigma);
    logA = logAdd(logA, term);
  }
  return logA;
}

/**
 * Fractional order (Mironov, Talwar & Zhang 2019, section 3.3): the two series over the
 * generalised binomial coefficients, each term weighted by a Gaussian tail split at
 * `z0 = sigma^2 log(1 / q - 1) + 1/2`, summed until the terms fall below e^-30.
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  let logCoef = 0; // log |C(alpha, i)|, from i = 0
  let sign = 1;
  for (let i = 0; ; i++) {
    if (i > 0) {
      const factor = (alpha - i + 1) / i;
      logCoef += Math.log(Math.abs(factor));
      if (factor < 0) sign = -sign;
    }
    const j = alpha - i;
    const logT0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (sign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30 || i > 10_000) break;
  }
  return logAdd(logA0, logA1);
}

/**
 * Rényi differential privacy of one step of the sampled Gaussian mechanism (DP-SGD: each
 * example enters a batch with probability `q`, the clipped sum gets Gaussian noise of std
 * `noise` times the clipping norm) at order `alpha > 1`: `log(A_alpha) / (alpha - 1)`
 * (Mironov, Talwar & Zhang 2019), exact for integer orders and by the convergent series for
 * fractional ones. `q = 1` is the plain Gaussian mechanism, `alpha / (2 noise^2)`; `q = 0`
 * spends nothing.
 */
export function sampledGaussianRdp(q: number, noise: number, alpha: number): number {
  if (!(q >= 0 && q <= 1)) throw new InputError('sampledGaussianRdp sample rate', 'a number in [0, 1]', String(q));
  if (!(noise > 0)) throw new InputError('sampledGaussianRdp noise multiplier', 'a number > 0', String(noise));
  if (!(alpha > 1)) throw new InputError('sampledGaussianRdp order', 'a number > 1', String(alpha));
  if (q === 0) return 0;
  if (q === 1) return alpha / (2 * noise * noise);
  if (!Number.isFinite(noise)) return 0;
  const logA = Number.isInteger(alpha) ? logAInteger(q, noise, alpha) : logAFractional(q, noise, alpha);
  return logA / (alpha - 1);
}

/** Opacus's (and TF Privacy's) default orders: 1 + x/10 for x = 1..99, then 12..63. */
export const defaultRdpOrders: readonly number[] = [
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 52 }, (_, k) => 12 + k),
];
