import { logBeta } from './log-gamma';

const TINY = 1e-300;
const EPS = 1e-16;
const MAX_ITERATIONS = 10000;

/**
 * Continued fraction of the incomplete beta function, evaluated with the modified Lentz
 * method: returns 1 + d1/(1 + d2/(1 + ...)) with
 * d_{2m+1} = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d_{2m} = m(b-m)x / ((a+2m-1)(a+2m)).
 * Converges quickly for x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let f = 1;
  let c = 1;
  let d = 0;
  for (let j = 1; j <= MAX_ITERATIONS; j++) {
    const m = j >> 1;
    const term =
      j % 2 === 1
        ? (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + term * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + term / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) return f;
  }
  return f; // not reached for the parameters used here (a, b <= 1e8)
}

/**
 * The regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for
 * x in [0, 1] and a, b > 0; `y` may pass 1 - x computed without cancellation
 * (e.g. t^2 / (df + t^2)), which keeps tails near x = 1 accurate. NaN outside the domain.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1) || !(y >= 0) || !(y <= 1)) return Number.NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBetaDirect(y, b, a, x);
  return regularizedIncompleteBetaDirect(x, a, b, y);
}

/**
 * The upper tail 1 - I_x(a, b) = I_{1-x}(b, a), computed directly so that tiny upper
 * tails do not vanish into 1 - (1 - p).
 */
export function regularizedIncompleteBetaComplement(x: number, a: number, b: number, y: number = 1 - x): number {
  return regularizedIncompleteBeta(y, b, a, x);
}

function regularizedIncompleteBetaDirect(x: number, a: number, b: number, y: number): number {
  const logPrefactor = a * Math.log(x) + b * Math.log(y) - logBeta(a, b);
  return (Math.exp(logPrefactor) / a) / betaContinuedFraction(x, a, b);
}
